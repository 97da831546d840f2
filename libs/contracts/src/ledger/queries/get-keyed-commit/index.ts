export * from './get-keyed-commit.query';
