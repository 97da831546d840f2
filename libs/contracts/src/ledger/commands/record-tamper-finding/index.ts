export * from './record-tamper-finding.command';
