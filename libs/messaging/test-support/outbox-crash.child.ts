// Child process for the outbox test: commits a change with its outbox row while the relay is
// off, then dies with SIGKILL before anything could publish it.
import { MessageBus } from '../src';
import { memoryLogger } from '@phdmf/testing';
import { startFixture } from './fixture';

async function main(): Promise<void> {
  const natsUrl = process.env.NATS_URL;
  const dataDir = process.env.DATA_DIR;
  if (!natsUrl || !dataDir) throw new Error('NATS_URL and DATA_DIR are required');
  const app = await startFixture({ natsUrl, dataDir, logger: memoryLogger('accounts').logger, relay: false, consume: false });
  await app.get(MessageBus).request(
    (await import('./fixture')).CreateThing,
    { thingId: 'thing-crash', value: 3 },
  );
  process.stdout.write('committed thing-crash\n', () => process.kill(process.pid, 'SIGKILL'));
}

void main();
