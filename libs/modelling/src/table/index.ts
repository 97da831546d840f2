export * from './contingency';
export * from './chi-square';
export * from './suppress';
