import { LedgerChaincodeErrorCode, LedgerErrorCode, PhdmfError } from '@phdmf/contracts';
import type { LedgerPort, SubmitResult } from './ledger-port';
import { MvccRetryingLedgerPort } from './mvcc-retry';

// The retry policy on its own, over a port that fails in a scripted way.
function scriptedPort(outcomes: (SubmitResult | PhdmfError)[]): { port: LedgerPort; calls: () => number } {
  let calls = 0;
  const port = {
    adapter: 'scripted',
    submit: () => {
      const outcome = outcomes[calls++];
      if (outcome === undefined) throw new Error('no more outcomes');
      return outcome instanceof PhdmfError ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
  } as unknown as LedgerPort;
  return { port, calls: () => calls };
}

const mvcc = (): PhdmfError => new PhdmfError(LedgerErrorCode.MVCC_CONFLICT, 'conflict', { txId: 't', blockNumber: 7 });
const ok: SubmitResult = { txId: 'tx-ok', blockNumber: 8, result: '{}' };
const identity = { mspId: 'Org1MSP', id: 'org1' };

describe('MVCC retry policy', () => {
  it('retries a transaction invalidated by MVCC until it commits', async () => {
    const { port, calls } = scriptedPort([mvcc(), mvcc(), ok]);
    await expect(new MvccRetryingLedgerPort(port, 3).submit(identity, 'c', 'f', [])).resolves.toEqual(ok);
    expect(calls()).toBe(3);
  });

  it('gives up after the last attempt with LEDGER.MVCC_CONFLICT and the number of attempts', async () => {
    const { port, calls } = scriptedPort([mvcc(), mvcc(), mvcc(), ok]);
    await expect(new MvccRetryingLedgerPort(port, 3).submit(identity, 'c', 'f', [])).rejects.toMatchObject({
      code: LedgerErrorCode.MVCC_CONFLICT,
      details: { attempts: 3, blockNumber: 7 },
    });
    expect(calls()).toBe(3);
  });

  it('never retries any other failure', async () => {
    const refusal = new PhdmfError(LedgerChaincodeErrorCode.AccessNotOwner, 'not yours');
    const { port, calls } = scriptedPort([refusal, ok]);
    await expect(new MvccRetryingLedgerPort(port, 5).submit(identity, 'c', 'f', [])).rejects.toBe(refusal);
    expect(calls()).toBe(1);
  });

  it('refuses a policy without a single attempt', () => {
    expect(() => new MvccRetryingLedgerPort(scriptedPort([]).port, 0)).toThrow(RangeError);
  });
});
