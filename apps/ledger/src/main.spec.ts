// main.ts must leave the process with handlers that stop it on an unexpected error, although the
// chaincode it loads (fabric-contract-api) installs handlers that log such errors and carry on.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { TestNatsServer, tempDir, childEnv } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';

const root = path.join(__dirname, '../../..');

function runChild(failure: 'exception' | 'rejection', entry: 'main' | 'module-only', env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(__dirname, '../test-support/planned-error.child.ts'), failure, entry], {
    cwd: root,
    env: childEnv({ ...env, SWC_NODE_PROJECT: path.join(root, 'tsconfig.json') }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      resolve({ code, output });
    });
  });
}

describe('main.ts crash-on-error handlers', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    data = tempDir('phdmf-ledger-main-');
    env = { NATS_URL: nats.url, PHDMF_DATA_DIR: data.dir, LOG_LEVEL: 'fatal', LEDGER_VERIFY_ON_START: 'false' };
  });

  afterAll(async () => {
    await nats.dispose();
    data.remove();
  });

  it.each(['exception', 'rejection'] as const)('stops the service on an unexpected %s (exit 70)', async (failure) => {
    const { code, output } = await runChild(failure, 'main', env);
    expect(output).not.toContain('STILL ALIVE');
    expect(code).toBe(70);
    expect(output).toContain(`planned ${failure === 'exception' ? 'uncaught exception' : 'unhandled rejection'}`);
  });

  it("would carry on with only the chaincode's handlers (why main.ts must call runService after loading it)", async () => {
    const { code, output } = await runChild('rejection', 'module-only', env);
    expect(output).toContain('STILL ALIVE');
    expect(code).toBe(0);
  });
});
