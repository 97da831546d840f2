// One Jest run over the whole workspace. SWC transpiles TypeScript with decorator metadata
// (NestJS dependency injection needs it); type checking is `npm run typecheck`'s job.
const { pathsToModuleNameMapper } = require('./infra/test/paths');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/chaincode', '<rootDir>/e2e'],
  testMatch: ['**/*.spec.ts', '**/*.e2e.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: pathsToModuleNameMapper(),
  testTimeout: 60_000,
  maxWorkers: 2,
};
