export * from './budget-reserved.event';
