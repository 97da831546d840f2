// The client cannot drift from the edge: its committed document, types, codes and keyed operations
// are what the edge's code generates now; and its main entry is browser-safe (it typechecks with the
// DOM's types and without Node's).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(180_000);

const ROOT = path.join(__dirname, '../../..');
const LIB = path.join(ROOT, 'libs/client');
const generate = (...args: string[]) => spawnSync(process.execPath, [path.join(LIB, 'scripts/generate.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('the generated client', () => {
  it('is what the edge generates now (npm run client:generate), and the check fails on a changed copy', () => {
    // One generation checks the committed files and a copy with one field added to the document and
    // one code dropped: the copy's two files are named, nothing of the committed ones.
    const copy = mkdtempSync(path.join(os.tmpdir(), 'client-drift-'));
    try {
      cpSync(path.join(LIB, 'openapi.json'), path.join(copy, 'openapi.json'));
      cpSync(path.join(LIB, 'src'), path.join(copy, 'src'), { recursive: true });
      const doc = JSON.parse(readFileSync(path.join(copy, 'openapi.json'), 'utf8')) as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };
      doc.components.schemas['TokenResponse']!.properties!['extra'] = { type: 'string' };
      writeFileSync(path.join(copy, 'openapi.json'), `${JSON.stringify(doc, null, 2)}\n`);
      const codes = path.join(copy, 'src/generated/error-codes.ts');
      writeFileSync(codes, readFileSync(codes, 'utf8').replace("  'BUDGET.EXHAUSTED',\n", ''));
      const check = generate('--check', '--out', LIB, '--out', copy);
      const named = check.stderr.trim().split('\n').map((line) => line.split(' ')[0]);
      expect(named).toEqual([path.relative(ROOT, path.join(copy, 'openapi.json')), path.relative(ROOT, codes)]);
      expect(check.status).toBe(1);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('has a main entry that typechecks for the browser: DOM types, no Node types', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(LIB, 'tsconfig.browser.json')], { cwd: ROOT, encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
