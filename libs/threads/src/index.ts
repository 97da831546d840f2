export { spawnWorker } from './spawn-worker';
export { IdleThread } from './idle-thread';
