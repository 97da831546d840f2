export * from './get-reservation.query';
