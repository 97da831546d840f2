// Proves the lint rules that guard the architecture actually fire: each case writes a real source
// file into a real project, lints it with the workspace's ESLint configuration, and removes it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');

interface Case {
  name: string;
  file: string;
  source: string;
  rule: string;
  expectError: boolean;
}

const cases: Case[] = [
  {
    name: 'an app importing another app',
    file: 'apps/accounts/src/__lint_fixture__app_import.ts',
    source: "import { AppModule } from '../../ledger/src/app.module';\nexport const leaked = AppModule;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: true,
  },
  {
    name: 'a service other than ledger importing the Fabric client',
    file: 'apps/authorization/src/__lint_fixture__fabric.ts',
    source: "import { connect } from '@hyperledger/fabric-gateway';\nexport const leaked = connect;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: true,
  },
  {
    name: 'a shared library importing the Fabric client',
    file: 'libs/messaging/src/__lint_fixture__fabric.ts',
    source: "import { connect } from '@hyperledger/fabric-gateway';\nexport const leaked = connect;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: true,
  },
  {
    name: 'the ledger service importing the Fabric client (allowed)',
    file: 'apps/ledger/src/__lint_fixture__fabric.ts',
    source: "import { connect } from '@hyperledger/fabric-gateway';\nexport const allowed = connect;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: false,
  },
  {
    name: 'a library importing an app',
    file: 'libs/persistence/src/__lint_fixture__app.ts',
    source: "import { AppModule } from '../../../apps/ledger/src/app.module';\nexport const leaked = AppModule;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: true,
  },
  {
    name: 'domain code importing transport code',
    file: 'apps/accounts/src/__lint_fixture__/domain/thing.ts',
    source: "import { MessageBus } from '@phdmf/messaging';\nexport const leaked = MessageBus;\n",
    rule: '@typescript-eslint/no-restricted-imports',
    expectError: true,
  },
  {
    name: 'the typed client importing a shared library (it is published on its own)',
    file: 'libs/client/src/__lint_fixture__shared.ts',
    source: "import { PhdmfError } from '@phdmf/contracts';\nexport const leaked = PhdmfError;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: true,
  },
  {
    name: "the typed client importing the chaincode's canonical JSON (allowed)",
    file: 'libs/client/src/__lint_fixture__canonical.ts',
    source: "import { canonicalJson } from '@phdmf/chaincode/canonical-json';\nexport const allowed = canonicalJson;\n",
    rule: '@nx/enforce-module-boundaries',
    expectError: false,
  },
  {
    name: 'the typed client importing a Node built-in (it runs in browsers)',
    file: 'libs/client/src/__lint_fixture__node.ts',
    source: "import { createHash } from 'node:crypto';\nexport const leaked = createHash;\n",
    rule: '@typescript-eslint/no-restricted-imports',
    expectError: true,
  },
  {
    name: 'a subject string outside the contracts library',
    file: 'apps/accounts/src/__lint_fixture__subject.ts',
    source: "export const subject = 'phdmf.accounts.cmd.inline.v1';\n",
    rule: 'no-restricted-syntax',
    expectError: true,
  },
  {
    name: "a web console component's v-for without a key",
    file: 'apps/web-console/src/__lint_fixture__list.vue',
    source: '<script setup lang="ts">\nconst rows: string[] = [];\n</script>\n\n<template>\n  <p v-for="row in rows">{{ row }}</p>\n</template>\n',
    rule: 'vue/require-v-for-key',
    expectError: true,
  },
  {
    name: "a web console component's TypeScript script using the DOM (allowed: vue-tsc checks names)",
    file: 'apps/web-console/src/__lint_fixture__dom.vue',
    source: '<script setup lang="ts">\nconst input = document.querySelector<HTMLInputElement>(\'input\');\nconst rows: string[] = input === null ? [] : [input.value];\n</script>\n\n<template>\n  <p v-for="row in rows" :key="row">{{ row }}</p>\n</template>\n',
    rule: 'no-undef',
    expectError: false,
  },
];

interface LintMessage {
  ruleId: string | null;
  message: string;
}

/** Runs the real ESLint CLI (as `nx lint` does) on one file and returns its messages. */
function lint(file: string): LintMessage[] {
  const run = spawnSync(path.join(root, 'node_modules/.bin/eslint'), ['--format', 'json', file], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0 && run.status !== 1) throw new Error(`eslint failed: ${run.stderr}`);
  const [result] = JSON.parse(run.stdout) as { messages: LintMessage[] }[];
  return result?.messages ?? [];
}

describe('architecture lint rules', () => {
  beforeAll(() => {
    // The module-boundary rule reads Nx's project graph; make sure it is computed.
    execFileSync(path.join(root, 'node_modules/.bin/nx'), ['show', 'projects'], { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, stdio: 'ignore' });
  });

  it.each(cases)('$name', ({ file, source, rule, expectError }) => {
    const full = path.join(root, file);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, source);
    try {
      const messages = lint(full);
      // A file ESLint could not parse reports no rule at all: that must not pass as "allowed".
      expect(messages.filter((m) => m.ruleId === null)).toEqual([]);
      const hits = messages.filter((m) => m.ruleId === rule);
      if (expectError) expect(hits.map((m) => m.message).join('\n')).not.toBe('');
      else expect(hits).toEqual([]);
    } finally {
      rmSync(full.includes('__lint_fixture__/') ? path.join(root, file.split('__lint_fixture__/')[0]!, '__lint_fixture__') : full, { recursive: true, force: true });
    }
  });
});
