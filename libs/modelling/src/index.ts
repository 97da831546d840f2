export * from './schema';
export * from './disclosure';
export * from './subset';
