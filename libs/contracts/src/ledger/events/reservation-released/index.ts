export * from './reservation-released.event';
