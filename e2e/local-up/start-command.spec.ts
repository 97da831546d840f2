// The README's start command, run as a user would: it brings NATS and all seven services up, each
// answers its health query, the REST edge answers its probes, and Ctrl-C leaves no process behind.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { connect } from 'nats';
import { GetHealth, SERVICE_NAMES } from '@phdmf/contracts';
import { freePort, tempDir, childEnv } from '@phdmf/testing';

const root = path.resolve(__dirname, '../..');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('npm start (infra/local/up.mjs)', () => {
  it('starts NATS and every service, answers health, and stops everything on Ctrl-C', async () => {
    expect(existsSync(path.join(root, 'dist/apps/ledger/src/main.js'))).toBe(true); // `npm test` builds first
    const data = tempDir('phdmf-up-');
    const natsPort = await freePort();
    const httpPort = await freePort();
    const storagePort = await freePort();
    const up = spawn(process.execPath, [path.join(root, 'infra/local/up.mjs'), '--no-install'], {
      cwd: root,
      env: childEnv({ PHDMF_DATA_DIR: data.dir, PHDMF_NATS_PORT: String(natsPort), HTTP_PORT: String(httpPort), STORAGE_HTTP_PORT: String(storagePort), LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    up.stdout.on('data', (d: Buffer) => (output += d.toString()));
    up.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => {
      up.on('exit', (code) => {
        resolve(code);
      });
    });
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('PHDMF_READY')) {
        if (Date.now() > deadline || up.exitCode !== null) throw new Error(`start command did not become ready:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }

      const nc = await connect({ servers: `nats://127.0.0.1:${natsPort}` });
      for (const service of SERVICE_NAMES) {
        const reply = await nc.request(GetHealth.SUBJECTS[service], new TextEncoder().encode('{}'), { timeout: 5_000 });
        const body = JSON.parse(new TextDecoder().decode(reply.data)) as { ok: boolean; data: GetHealth.Result };
        expect(body).toMatchObject({ ok: true, data: { service, status: 'up' } });
        if (service !== 'api-gateway') expect(body.data.checks).toEqual({ nats: 'up', database: 'up' });
      }
      await nc.close();

      const health = await fetch(`http://127.0.0.1:${httpPort}/health`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${httpPort}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'up', checks: { nats: 'up' } });

      const pids = JSON.parse(readFileSync(path.join(data.dir, 'pids.json'), 'utf8')) as { children: Record<string, number> };
      expect(Object.keys(pids.children).sort()).toEqual(['nats', ...SERVICE_NAMES].sort());

      up.kill('SIGINT');
      expect(await exited).toBe(0);
      for (const [name, pid] of Object.entries(pids.children)) {
        expect({ name, alive: alive(pid) }).toEqual({ name, alive: false });
      }
    } finally {
      if (up.exitCode === null) up.kill('SIGKILL');
      data.remove();
    }
  }, 150_000);
});
