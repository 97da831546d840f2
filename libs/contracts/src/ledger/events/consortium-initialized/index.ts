export * from './consortium-initialized.event';
