import type { INestApplication } from '@nestjs/common';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { TestNatsServer, childEnv, memoryLogger, tempDir } from '@phdmf/testing';
import { provisionFixture, startFixture } from '../../test-support/fixture';
import { probeHealth } from './probe';

const PROBE = path.join(__dirname, 'probe.ts');

// Asynchronous on purpose: the service under probe runs in this very process and must keep answering.
function runProbe(args: string[], env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['-r', '@swc-node/register', PROBE, ...args],
      { env: childEnv({ ...env, SWC_NODE_PROJECT: path.join(__dirname, '../../../../tsconfig.json') }), encoding: 'utf8', timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('health probe (the exec probe of NATS-only services)', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let app: INestApplication | undefined;

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionFixture });
    data = tempDir();
    app = await startFixture({ natsUrl: nats.url, dataDir: data.dir, logger: memoryLogger('accounts').logger });
  });

  afterAll(async () => {
    await app?.close();
    await nats.dispose();
    data.remove();
  });

  it('reports a service that answers its health query as up', async () => {
    await expect(probeHealth('accounts', { servers: nats.url, timeoutMs: 2_000 })).resolves.toEqual({ ok: true, message: expect.stringContaining('accounts: up') as unknown });
  });

  it('reports a service nobody serves as failing, naming the code', async () => {
    const outcome = await probeHealth('ledger', { servers: nats.url, timeoutMs: 2_000 });
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toContain('MESSAGING.NO_RESPONDERS');
  });

  it('reports an unreachable NATS as failing instead of throwing', async () => {
    const outcome = await probeHealth('accounts', { servers: 'nats://127.0.0.1:1', timeoutMs: 1_000 });
    expect(outcome).toMatchObject({ ok: false, message: expect.stringContaining('cannot reach NATS') as unknown });
  });

  it('as a command: exit 0 when up, 1 when not, 2 on a usage error', async () => {
    expect(await runProbe(['accounts'], { NATS_URL: nats.url })).toMatchObject({ status: 0, output: expect.stringContaining('accounts: up') as unknown });
    expect(await runProbe(['ledger'], { NATS_URL: nats.url, PROBE_TIMEOUT_MS: '1000' })).toMatchObject({ status: 1, output: expect.stringContaining('NO_RESPONDERS') as unknown });
    expect((await runProbe(['no-such-service'], { NATS_URL: nats.url })).status).toBe(2);
    expect(await runProbe(['data-storage'], { NATS_URL: nats.url })).toMatchObject({ status: 2, output: expect.stringContaining('node-info') as unknown });
    expect((await runProbe(['accounts'], { NATS_URL: '' })).status).toBe(2);
  });
});
