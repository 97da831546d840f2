export * from './reserve-budget.command';
