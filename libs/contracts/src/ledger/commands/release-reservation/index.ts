export * from './release-reservation.command';
