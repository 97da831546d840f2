export * from './get-budget.query';
