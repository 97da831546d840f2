export * from './schema';
export * from './disclosure';
export * from './subset';
export * from './distributions';
export * from './table';
export * from './correlation';
export * from './glm';
