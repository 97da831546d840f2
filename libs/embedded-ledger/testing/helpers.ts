// Test helpers: a fresh data directory per test and a ledger opened on it with the test contracts.
import './quiet-fabric-logs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedLedger, type EmbeddedLedgerOptions, type LedgerIdentity } from '../src';
import { EchoContract, KvContract } from './kv-contract';

export const ORG1: LedgerIdentity = { mspId: 'Org1MSP', id: 'x509::CN=alice::CN=ca.org1' };
export const ORG2: LedgerIdentity = { mspId: 'Org2MSP', id: 'x509::CN=bob::CN=ca.org2' };

export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-ledger-'));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function openTestLedger(dataDir: string, options: Partial<EmbeddedLedgerOptions> = {}): Promise<EmbeddedLedger> {
  return EmbeddedLedger.open({ dataDir, contracts: [KvContract, EchoContract], ...options });
}

/** Runs `count` tasks with at most `concurrency` in flight; returns results in task order. */
export async function runConcurrently<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array<PromiseSettledResult<T>>(count);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < count) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await task(i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, () => worker()));
  return results;
}
