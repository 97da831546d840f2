export * from './tamper-detected.event';
