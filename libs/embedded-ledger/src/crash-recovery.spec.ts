// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, openTestLedger, tempDataDir } from '../testing/helpers';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

describe('EmbeddedLedger after the process is killed', () => {
  const dir = tempDataDir();

  afterAll(() => {
    dir.cleanup();
  });

  it('keeps every block whose submits resolved, and only whole blocks', async () => {
    const child = spawn(process.execPath, [join(__dirname, '..', 'testing', 'crash-child.cjs'), dir.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reported: { block: number; txId: string }[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.on('exit', () => {
        reject(new Error(`child exited early: ${stderr}`));
      });
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [block, txId] = line.split(' ');
          reported.push({ block: Number(block), txId: txId ?? '' });
        }
        if (reported.length >= 3000) {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
          child.on('exit', () => {
            resolve();
          });
        }
      });
    });

    const ledger = await openTestLedger(dir.dir);
    try {
      await expect(ledger.verifyChain()).resolves.toMatchObject({ ok: true });
      const height = ledger.info().height;
      expect(height).toBeGreaterThan(Math.max(...reported.map((r) => r.block)));
      for (const r of reported) {
        expect(ledger.getTransaction(r.txId)).toMatchObject({ blockNumber: r.block, validationCode: 'VALID' });
      }
      // World state holds exactly the writes of the committed blocks: nothing of a torn block.
      let committedPuts = 0;
      for (let n = 1; n < height; n++) {
        committedPuts += ledger.getBlock(n).data.transactions.filter((t) => t.validationCode === 'VALID').length;
      }
      const keys = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'rangeNext', ['crash-', 'crash.'])) as unknown[];
      expect(keys).toHaveLength(committedPuts);
      // And the ledger carries on from where it was.
      await expect(ledger.submit(ORG1, 'kv', 'put', ['after', 'crash'])).resolves.toMatchObject({ blockNumber: height });
    } finally {
      await ledger.close();
    }
  });
});
