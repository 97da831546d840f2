// Starting a worker thread from either form of the code: the built JavaScript (services, benches) or the
// TypeScript sources (Jest, scripts under swc-node). A worker thread does not inherit its parent's
// compile hooks, so from the sources SWC's plain TypeScript transform and tsconfig.base.json's path
// aliases are installed in the thread before its entry module loads (swc-node's register, which reads the
// workspace's tsconfig through TypeScript, takes ~0.4 s to load per thread). The embedded ledger's
// committer and the storage site's CSV inspection both start their threads here.
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A new thread running `entry` (an absolute file name, `.js` or `.ts`). `prelude` is JavaScript run in
 * the thread before the entry (tests use it to make a thread die at a chosen moment).
 */
export function spawnWorker(entry: string, prelude = ''): Worker {
  if (extname(entry) !== '.ts') {
    return prelude === '' ? new Worker(entry) : new Worker(`${prelude}\nrequire(${JSON.stringify(entry)});`, { eval: true });
  }
  return new Worker(
    `const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const aliases = ${JSON.stringify(workspaceAliases())};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const options = {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022', transform: { useDefineForClassFields: false } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  };
  module._compile(transformSync(readFileSync(filename, 'utf8'), options).code, filename);
};
${prelude}
require(${JSON.stringify(entry)});`,
    { eval: true },
  );
}

let aliases: Record<string, string> | undefined;

/** tsconfig.base.json's path aliases as absolute file names (read once; the sources sit at libs/threads/src). */
function workspaceAliases(): Record<string, string> {
  if (aliases !== undefined) return aliases;
  const root = join(__dirname, '..', '..', '..');
  const config = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } };
  aliases = Object.fromEntries(Object.entries(config.compilerOptions.paths).flatMap(([alias, [target]]) => (target === undefined ? [] : [[alias, join(root, target)]])));
  return aliases;
}
