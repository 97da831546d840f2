import '../../chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ContractName } from '../../chaincode/phdmf-chaincode';
import { LedgerErrorCode } from '@phdmf/contracts';
import { DATABASE_FILE } from '@phdmf/embedded-ledger';
import { tempDir } from '@phdmf/testing';
import { organisationIdentity } from '../../identity/signing-identity.resolver';
import { datasetVersion } from '../conformance/builders';
import { describeLedgerPortConformance, setUpConsortium, type LedgerPortConformanceTarget } from '../conformance/ledger-port.conformance';
import type { LedgerPort } from '../ledger-port';
import { MvccRetryingLedgerPort } from '../mvcc-retry';
import { EmbeddedLedgerAdapter } from './embedded-ledger.adapter';

const dirs: ReturnType<typeof tempDir>[] = [];
afterAll(() => {
  for (const dir of dirs) dir.remove();
});

function newDir(): string {
  const dir = tempDir('phdmf-ledger-port-');
  dirs.push(dir);
  return dir.dir;
}

async function openEmbedded(dataDir: string, maxSubmitAttempts = 3, contendedSubmitAttempts = maxSubmitAttempts): Promise<LedgerPort> {
  // A batch timeout long enough that concurrent submits of one test reliably share a block.
  return new MvccRetryingLedgerPort(await EmbeddedLedgerAdapter.open({ dataDir, batchTimeoutMs: 20 }), maxSubmitAttempts, contendedSubmitAttempts);
}

const target: LedgerPortConformanceTarget = {
  name: 'embedded',
  open: ({ maxSubmitAttempts, contendedSubmitAttempts }) => openEmbedded(newDir(), maxSubmitAttempts, contendedSubmitAttempts),
  governor: organisationIdentity('ConsortiumMSP'),
  memberA: { memberId: 'hospital-a', identity: organisationIdentity('HospitalAMSP') },
  memberB: { memberId: 'hospital-b', identity: organisationIdentity('HospitalBMSP') },
};

describeLedgerPortConformance(target);

describe('embedded adapter specifics', () => {
  const a = target.memberA.identity;

  async function ledgerWithBlocks(dataDir: string, blocks: number): Promise<void> {
    const ledger = await openEmbedded(dataDir);
    await setUpConsortium(ledger, target);
    for (let i = 0; i < blocks; i++) await ledger.submit(a, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion())]);
    await ledger.close();
  }

  it('names the block whose stored bytes were altered (one byte, in the closed ledger file)', async () => {
    const dataDir = newDir();
    await ledgerWithBlocks(dataDir, 4);
    const db = new Database(join(dataDir, DATABASE_FILE));
    try {
      const row = db.prepare('SELECT bytes FROM blocks WHERE number = ?').get(3) as { bytes: Buffer };
      const bytes = Buffer.from(row.bytes);
      // One hex digit of a transaction id in the block's data: the bytes stay valid JSON.
      const at = bytes.indexOf('"txId":"') + 8;
      expect(at).toBeGreaterThan(8);
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
      db.prepare('UPDATE blocks SET bytes = ? WHERE number = ?').run(bytes, 3);
    } finally {
      db.close();
    }
    const ledger = await openEmbedded(dataDir);
    try {
      const verification = await ledger.verifyChain();
      expect(verification).toMatchObject({ ok: false, firstInvalidBlock: 3 });
    } finally {
      await ledger.close();
    }
  });

  it('keeps state, blocks and events across a reopen', async () => {
    const dataDir = newDir();
    const ledger = await openEmbedded(dataDir);
    await setUpConsortium(ledger, target);
    const request = datasetVersion();
    const committed = await ledger.submit(a, ContractName.Dataset, 'addDataset', [JSON.stringify(request)]);
    const info = await ledger.chainInfo();
    await ledger.close();

    const reopened = await openEmbedded(dataDir);
    try {
      expect(await reopened.chainInfo()).toEqual(info);
      expect(JSON.parse(await reopened.evaluate(a, ContractName.Dataset, 'getDataset', [JSON.stringify({ datasetId: request.datasetId })]))).toMatchObject({ txId: committed.txId });
      expect((await reopened.getTransaction(committed.txId)).blockNumber).toBe(committed.blockNumber);
    } finally {
      await reopened.close();
    }
  });

  it('refuses a second instance on the same directory with LEDGER.UNAVAILABLE', async () => {
    const dataDir = newDir();
    const first = await openEmbedded(dataDir);
    try {
      await expect(openEmbedded(dataDir)).rejects.toMatchObject({ code: LedgerErrorCode.UNAVAILABLE });
    } finally {
      await first.close();
    }
  });

  it('answers an unknown contract or function with LEDGER.INVALID_INPUT', async () => {
    const ledger = await openEmbedded(newDir());
    try {
      await expect(ledger.evaluate(a, 'nope', 'getDataset', ['{}'])).rejects.toMatchObject({ code: LedgerErrorCode.INVALID_INPUT });
      await expect(ledger.submit(a, ContractName.Dataset, 'dropEverything', ['{}'])).rejects.toMatchObject({ code: LedgerErrorCode.INVALID_INPUT });
    } finally {
      await ledger.close();
    }
  });
});
