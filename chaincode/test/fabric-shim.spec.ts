// Drives the contracts through fabric-shim's own dispatcher (ChaincodeFromContract), as a peer would:
// metadata generation from the decorators, argument and result marshalling, client identity from the
// creator certificate, and errors reaching the client as `{ code, message }` JSON.
import './support/quiet';
import { ChaincodeErrorCode, contracts, parseChaincodeError } from '../src';
import { publicKeyPem } from './support/builders';
import { FakeLedger, FakeStub } from './support/fake-ledger';

// Test-only: fabric-shim's dispatcher is not part of its public typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (
  classes: unknown[],
  serializers: unknown,
  metadata: unknown,
  title: string,
  version: string,
) => { Invoke(stub: unknown): Promise<{ status: number; message?: string; payload?: Uint8Array }> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { JSONSerializer } = require('fabric-contract-api') as { JSONSerializer: unknown };

// A self-signed P-256 certificate standing in for a Fabric client identity.
const CERT = `-----BEGIN CERTIFICATE-----
MIIB8TCCAZegAwIBAgIUTsJT5wT3QaLkIhnIXPAZQte7N5wwCgYIKoZIzj0EAwIw
TTELMAkGA1UEBhMCVVMxGzAZBgNVBAoMEmhvc3BpdGFsLWEuZXhhbXBsZTEhMB8G
A1UEAwwYVXNlcjFAaG9zcGl0YWwtYS5leGFtcGxlMCAXDTI2MTEyMzIxNDUxNVoY
DzIxMjYxMDMwMjE0NTE1WjBNMQswCQYDVQQGEwJVUzEbMBkGA1UECgwSaG9zcGl0
YWwtYS5leGFtcGxlMSEwHwYDVQQDDBhVc2VyMUBob3NwaXRhbC1hLmV4YW1wbGUw
WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATvYqcilYol2+Zw06FFYaaOpzlqhazg
KT1HwlnaPOlVgFmIRUhccW7JorI8wa1AEKw0mI6aysB5RWi+FETrjXlYo1MwUTAd
BgNVHQ4EFgQUwDJaORbLe9bm/ZVnTdlEAEVVFWkwHwYDVR0jBBgwFoAUwDJaORbL
e9bm/ZVnTdlEAEVVFWkwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
AiEAu+jKaxXw+LivAhks7YVVgV+diUFT6Ds2ruL3wRfmnK0CIGXLya5qMDRpGRBY
o9LCUFaGh2hdb3DPkHM830YwvGzA
-----END CERTIFICATE-----
`;

class PeerStub extends FakeStub {
  constructor(
    ledger: FakeLedger,
    txId: string,
    timeMs: number,
    private readonly args: string[],
    private readonly mspid: string,
  ) {
    super(ledger, txId, timeMs);
  }

  getBufferArgs(): Buffer[] {
    return this.args.map((a) => Buffer.from(a));
  }

  getChannelID(): string {
    return 'phdmf';
  }

  getFunctionAndParameters(): { fcn: string; params: string[] } {
    const [fcn = '', ...params] = this.args;
    return { fcn, params };
  }

  getCreator(): { mspid: string; idBytes: Uint8Array } {
    return { mspid: this.mspid, idBytes: Buffer.from(CERT) };
  }
}

describe('fabric-shim dispatch', () => {
  const chaincode = new ChaincodeFromContract(
    [...contracts],
    { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } },
    {},
    '@phdmf/chaincode',
    '0.1.0',
  );
  const ledger = new FakeLedger();
  let sequence = 0;

  async function invoke(mspid: string, fn: string, ...args: string[]): Promise<{ status: number; message?: string; payload?: string }> {
    sequence += 1;
    const timeMs = Date.parse('2030-01-01T00:00:00Z') + sequence * 1000;
    const stub = new PeerStub(ledger, `peer-tx-${sequence}`, timeMs, [fn, ...args], mspid);
    const response = await chaincode.Invoke(stub);
    if (response.status === 200) ledger.commit(stub, fn, mspid, timeMs);
    return { status: response.status, message: response.message, payload: response.payload && Buffer.from(response.payload).toString('utf8') };
  }

  it('publishes metadata: five named contracts, one string parameter per transaction, string results', async () => {
    const response = await invoke('ConsortiumMSP', 'org.hyperledger.fabric:GetMetadata');
    const metadata = JSON.parse(response.payload ?? '') as {
      contracts: Record<string, { transactions: { name: string; tag: string[]; parameters: { name: string; schema: unknown }[]; returns: unknown }[] }>;
    };
    expect(Object.keys(metadata.contracts).sort()).toEqual(['access', 'audit', 'budget', 'consortium', 'dataset', 'org.hyperledger.fabric']);
    const transactions = metadata.contracts['dataset']?.transactions ?? [];
    expect(transactions.map((t) => t.name).sort()).toEqual(
      ['addDataset', 'deleteDataset', 'getDataset', 'getDatasetHistory', 'getProvenance', 'listDatasets', 'setStance', 'updateDataset'].sort(),
    );
    for (const contract of ['access', 'audit', 'consortium', 'dataset']) {
      for (const t of metadata.contracts[contract]?.transactions ?? []) {
        expect(t.parameters).toEqual([{ name: 'request', description: '', schema: { type: 'string' } }]);
        expect(t.returns).toEqual({ type: 'string' });
      }
    }
    expect(transactions.find((t) => t.name === 'addDataset')?.tag).toEqual(['SUBMIT', 'submitTx']);
    expect(transactions.find((t) => t.name === 'getDataset')?.tag).toEqual(['EVALUATE']);
  });

  it('runs a transaction with the MSP of the creator certificate and returns the marshalled record', async () => {
    const response = await invoke('ConsortiumMSP', 'consortium:initialize', JSON.stringify({ consortiumName: 'PHDMF' }));
    expect(response.status).toBe(200);
    expect(JSON.parse(response.payload ?? '')).toMatchObject({ consortiumName: 'PHDMF', governorMspId: 'ConsortiumMSP', txId: 'peer-tx-2' });
    expect(ledger.lastEvents().map((e) => e.name)).toEqual(['ConsortiumInitialized']);
  });

  it('returns a failed transaction as a 500 whose message is exactly the coded JSON', async () => {
    // The shim logs the failure through console; it is expected here.
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const response = await invoke('OtherMSP', 'consortium:initialize', JSON.stringify({ consortiumName: 'Again' }));
    expect(response.status).toBe(500);
    expect(JSON.parse(response.message ?? '')).toEqual({
      code: ChaincodeErrorCode.ConsortiumAlreadyInitialized,
      message: 'the consortium "PHDMF" is already governed by MSP "ConsortiumMSP"',
    });
    expect(parseChaincodeError(`chaincode response 500, ${response.message ?? ''}`)?.code).toBe(ChaincodeErrorCode.ConsortiumAlreadyInitialized);
    log.mockRestore();
  });

  it('commits a keyed write once: the key is recorded with the transaction, a second use is refused unwritten, and the first commit is read back', async () => {
    const commitKey = 'a'.repeat(64);
    const member = { memberId: 'm-keyed', name: 'Keyed Hospital', mspId: 'KeyedMSP', nodeId: 'node-keyed', nodePublicKey: publicKeyPem(), endpoint: 'https://keyed.test' };
    const first = await invoke('ConsortiumMSP', 'consortium:admitMember', JSON.stringify({ ...member, idempotencyKey: commitKey }));
    expect(first.status).toBe(200);
    const committedTx = ledger.transactions.at(-1)?.txId;
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const states = ledger.dump().length;
    const again = await invoke('ConsortiumMSP', 'consortium:rejectMember', JSON.stringify({ memberId: 'm-keyed', name: 'Keyed Hospital', mspId: 'KeyedMSP', reason: 'retry', idempotencyKey: commitKey }));
    log.mockRestore();
    expect(again.status).toBe(500);
    expect(JSON.parse(again.message ?? '')).toMatchObject({ code: ChaincodeErrorCode.CommitKeyUsed });
    expect(ledger.transactions.at(-1)?.txId).toBe(committedTx);
    expect(ledger.dump()).toHaveLength(states);
    const found = await invoke('ConsortiumMSP', 'consortium:getKeyedCommit', JSON.stringify({ commitKey }));
    expect(JSON.parse(found.payload ?? '')).toEqual({ commitKey, txId: committedTx, transaction: 'consortium:admitMember', result: first.payload });
    const missing = await invoke('ConsortiumMSP', 'consortium:getKeyedCommit', JSON.stringify({ commitKey: 'b'.repeat(64) }));
    expect(JSON.parse(missing.message ?? '')).toMatchObject({ code: ChaincodeErrorCode.CommitKeyNotFound });
  });

  it('refuses a malformed commit key before the transaction runs', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const response = await invoke('ConsortiumMSP', 'consortium:getConsortium', JSON.stringify({ idempotencyKey: 'not-a-digest' }));
    log.mockRestore();
    expect(JSON.parse(response.message ?? '')).toMatchObject({ code: ChaincodeErrorCode.InputInvalid });
  });
});
