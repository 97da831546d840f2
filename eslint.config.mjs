// Lint rules for the whole workspace. Module boundaries are explicit: every project carries a
// scope tag (which service it belongs to) and a type tag (what layer it is), and the table below
// says which may depend on which. There is deliberately no `* -> *` rule.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';
import pluginVue from 'eslint-plugin-vue';

const SERVICES = ['api-gateway', 'accounts', 'node-registry', 'data-storage', 'authorization', 'ledger', 'aggregation'];

// Only the ledger service may talk to Hyperledger Fabric.
const FABRIC_CLIENT = ['@hyperledger/fabric-gateway', '@grpc/grpc-js', '@hyperledger/fabric-protos'];

const scopeConstraints = SERVICES.map((service) => ({
  sourceTag: `scope:${service}`,
  // The ledger service alone runs the chaincode in-process (embedded ledger).
  onlyDependOnLibsWithTags: service === 'ledger' ? ['scope:ledger', 'scope:shared', 'scope:chaincode'] : [`scope:${service}`, 'scope:shared'],
  ...(service === 'ledger' ? {} : { bannedExternalImports: FABRIC_CLIENT }),
}));

const depConstraints = [
  ...scopeConstraints,
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'], bannedExternalImports: FABRIC_CLIENT },
  { sourceTag: 'scope:chaincode', onlyDependOnLibsWithTags: ['scope:chaincode'], bannedExternalImports: FABRIC_CLIENT },
  // The typed client is published on its own and runs in browsers: it takes the chaincode's canonical JSON, nothing else of ours.
  { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:chaincode'], bannedExternalImports: FABRIC_CLIENT },
  // Apps never import each other: no tag allows type:app as a dependency.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data-access', 'type:contracts', 'type:util', 'type:chaincode'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data-access', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:contracts', 'type:util', 'type:chaincode'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'type:chaincode', onlyDependOnLibsWithTags: ['type:chaincode'] },
];

// Domain code (entities, value objects, errors) knows nothing of transport, HTTP or the ORM.
const TRANSPORT_MODULES = [
  '@nestjs/microservices',
  '@nestjs/platform-express',
  '@phdmf/messaging',
  '@phdmf/persistence',
  'nats',
  'express',
  '@mikro-orm/*',
  ...FABRIC_CLIENT,
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', 'tmp/**', '.data/**', '.nx/**', '**/*.js', '**/*.mjs', '**/*.cjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // The one canonical JSON lives in the chaincode (deployed on its own, it can import nothing of
          // ours) and every hash and signature elsewhere uses it: libs/contracts may import this file.
          allow: ['@phdmf/chaincode/canonical-json'],
          // Only persistence's own spec imports messaging (its tables are the real schema it migrates).
          ignoredCircularDependencies: [['messaging', 'persistence']],
          depConstraints,
        },
      ],
      // NestJS modules and CQRS handlers are classes with decorators and no members by design.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Payload classes are validation schemas; their wire form is a plain object of the same shape.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
      // `namespace` is how contracts are grouped (Message.SUBJECT, Message.Payload); see libs/contracts.
      '@typescript-eslint/no-namespace': 'off',
    },
  },
  {
    // Subjects are written once, in libs/contracts; everywhere else refers to them by name.
    files: ['**/*.ts'],
    ignores: ['libs/contracts/**', '**/test-support/**', 'bench/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'Literal[value=/^phdmf\\.(evt|[a-z-]+\\.(cmd|qry))\\./]', message: 'Subjects live in libs/contracts; import the contract instead.' },
        { selector: 'TemplateLiteral > TemplateElement[value.raw=/^phdmf\\./]', message: 'Subjects live in libs/contracts; never build one from parts.' },
      ],
    },
  },
  {
    files: ['**/domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [{ group: TRANSPORT_MODULES, message: 'Domain code must not import transport, HTTP or ORM code.' }],
          paths: [{ name: '@nestjs/common', importNames: ['HttpException', 'HttpStatus'], message: 'Domain code never throws HTTP errors; throw a coded PhdmfError.' }],
        },
      ],
    },
  },
  {
    // The client's main entry runs in browsers (tsconfig.browser.json holds its types to that as well).
    files: ['libs/client/src/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'stream', 'buffer', 'url', 'util'], message: 'The client runs in browsers: no Node built-ins.' }] }],
    },
  },
  // The web console's single-file components: Vue's recommended rules, the script blocks parsed as
  // TypeScript. Type-aware rules stay with the .ts files (vue-tsc type-checks the components,
  // `npm run typecheck:console`): the project service that gives them types reads no .vue files.
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], projectService: false, project: null },
    },
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      // Names are TypeScript's to check (vue-tsc), as in the .ts files: the DOM's globals are not ESLint's.
      'no-undef': 'off',
      // Layout, not correctness: the templates keep the workspace's one-line elements (no formatter is wired in).
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e.ts', 'bench/**/*.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
