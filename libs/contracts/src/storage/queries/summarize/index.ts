export * from './summarize.query';
