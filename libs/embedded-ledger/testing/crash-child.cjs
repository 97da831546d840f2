// Child process for the crash test: submits puts as fast as it can (256 in flight) and reports
// every commit on stdout, until the parent kills it with SIGKILL.
'use strict';
// Compile the TypeScript sources on the fly (SWC, with the workspace tsconfig's paths and decorators).
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '../../../tsconfig.json');
require('@swc-node/register');
const { openTestLedger, ORG1 } = require('./helpers.ts');

async function main() {
  const ledger = await openTestLedger(process.argv[2]);
  let next = 0;
  async function worker() {
    for (;;) {
      const i = next++;
      const res = await ledger.submit(ORG1, 'kv', 'put', [`crash-${String(i).padStart(8, '0')}`, `value-${i}`]);
      process.stdout.write(`${res.blockNumber} ${res.txId}\n`);
    }
  }
  await Promise.all(Array.from({ length: 256 }, worker));
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack ? err.stack : err) + '\n');
  process.exit(1);
});
