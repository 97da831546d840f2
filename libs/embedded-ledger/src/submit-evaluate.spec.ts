// The helpers come first: they quiet fabric-contract-api's load-time logging.
import { ORG1, ORG2, openTestLedger, tempDataDir } from '../testing/helpers';
import { Contract, type Context } from 'fabric-contract-api';
import {
  ChaincodeExecutionError,
  EmbeddedLedger,
  LedgerClosedError,
  LedgerInvalidArgumentError,
  LedgerNotFoundError,
  UnknownContractError,
  UnknownFunctionError,
} from './index';

describe('EmbeddedLedger submit and evaluate', () => {
  let dir: ReturnType<typeof tempDataDir>;
  let ledger: EmbeddedLedger;

  beforeEach(async () => {
    dir = tempDataDir();
    ledger = await openTestLedger(dir.dir);
  });

  afterEach(async () => {
    await ledger.close();
    dir.cleanup();
  });

  it('commits a submit and reads it back with evaluate', async () => {
    const res = await ledger.submit(ORG1, 'kv', 'put', ['k1', 'v1']);
    expect(res.txId).toMatch(/^[0-9a-f]{64}$/);
    expect(res.blockNumber).toBe(1);
    expect(res.txIndex).toBe(0);
    expect(res.result).toBe('');
    await expect(ledger.evaluate(ORG2, 'kv', 'get', ['k1'])).resolves.toBe('v1');
    expect(ledger.info().height).toBe(2);
  });

  it('returns the chaincode result serialised like fabric-contract-api', async () => {
    await expect(ledger.submit(ORG1, 'kv', 'increment', ['c', '0'])).resolves.toMatchObject({ result: '1' });
    await expect(ledger.evaluate(ORG1, 'kv', 'add', ['2', '40'])).resolves.toBe('42');
    await expect(ledger.evaluate(ORG1, 'kv', 'returnsObject', ['x'])).resolves.toBe('{"name":"x","n":1}');
    await expect(ledger.evaluate(ORG1, 'echo', 'ping', ['hi'])).resolves.toBe('pong:hi');
  });

  it('discards the writes of evaluate', async () => {
    await ledger.evaluate(ORG1, 'kv', 'put', ['k', 'v']);
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('');
    expect(ledger.info().height).toBe(1);
  });

  it('gives chaincode the transaction context Fabric gives it', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await ledger.submit(ORG2, 'kv', 'whoAmI', []);
    const seen = JSON.parse(res.result) as Record<string, unknown>;
    expect(seen).toMatchObject({
      mspId: 'Org2MSP',
      id: ORG2.id,
      attribute: null,
      assert: false,
      txId: res.txId,
      channel: 'phdmf',
      call: { fcn: 'kv:whoAmI', params: [] },
    });
    expect(seen['seconds']).toBeGreaterThanOrEqual(before);
    const tx = ledger.getTransaction(res.txId);
    expect(tx.timestamp).toEqual({ seconds: seen['seconds'], nanos: seen['nanos'] });
    expect(new Date(seen['date'] as string).getTime()).toBe(tx.timestamp.seconds * 1000 + tx.timestamp.nanos / 1e6);
  });

  it('reads committed state, not its own writes, like Fabric', async () => {
    await ledger.submit(ORG1, 'kv', 'put', ['k', 'old']);
    const res = await ledger.submit(ORG1, 'kv', 'putThenGet', ['k', 'new']);
    expect(res.result).toBe('old');
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('new');
  });

  it('deletes keys', async () => {
    await ledger.submit(ORG1, 'kv', 'put', ['k', 'v']);
    await ledger.submit(ORG1, 'kv', 'del', ['k']);
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('');
  });

  it('treats putState with an empty value as a delete, like Fabric', async () => {
    await ledger.submit(ORG1, 'kv', 'put', ['k', 'v']);
    const res = await ledger.submit(ORG1, 'kv', 'put', ['k', '']);
    expect(ledger.getTransaction(res.txId).writeSet).toEqual([{ key: 'k', isDelete: true, value: null }]);
    const history = JSON.parse(await ledger.evaluate(ORG1, 'kv', 'history', ['k'])) as { isDelete: boolean }[];
    expect(history[0]?.isDelete).toBe(true);
  });

  it('passes a chaincode error through unchanged and commits nothing', async () => {
    const message = 'DATASET.NOT_FOUND: dataset d-1 does not exist';
    const heightBefore = ledger.info().height;
    const err = await ledger.submit(ORG1, 'kv', 'fail', ['k', message]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChaincodeExecutionError);
    expect((err as ChaincodeExecutionError).message).toBe(message);
    expect((err as ChaincodeExecutionError).chaincodeMessage).toBe(message);
    expect((err as ChaincodeExecutionError).code).toBe('LEDGER.CHAINCODE_ERROR');
    // A later submit forces a block; the failed transaction must not be in it.
    const ok = await ledger.submit(ORG1, 'kv', 'put', ['other', 'x']);
    expect(ok.blockNumber).toBe(heightBefore);
    expect(ledger.getBlock(ok.blockNumber).data.transactions.map((t) => t.txId)).toEqual([ok.txId]);
    expect(() => ledger.getTransaction((err as ChaincodeExecutionError).txId)).toThrow(LedgerNotFoundError);
    await expect(ledger.evaluate(ORG1, 'kv', 'get', ['k'])).resolves.toBe('');
  });

  it('rejects unknown contracts, functions and malformed requests with coded errors', async () => {
    await expect(ledger.submit(ORG1, 'nope', 'put', [])).rejects.toBeInstanceOf(UnknownContractError);
    await expect(ledger.submit(ORG1, 'kv', 'nope', [])).rejects.toMatchObject({ code: 'LEDGER.UNKNOWN_FUNCTION' });
    await expect(ledger.evaluate(ORG1, 'kv', 'constructor', [])).rejects.toBeInstanceOf(UnknownFunctionError);
    await expect(ledger.submit({ mspId: '', id: 'x' }, 'kv', 'put', ['a', 'b'])).rejects.toBeInstanceOf(LedgerInvalidArgumentError);
    await expect(ledger.submit(ORG1, 'kv', 'put', ['a', 1 as unknown as string])).rejects.toBeInstanceOf(LedgerInvalidArgumentError);
  });

  it('routes unknown functions to a contract that overrides unknownTransaction, as fabric-shim does', async () => {
    class Strict extends Contract {
      constructor() {
        super('strict');
      }
      override unknownTransaction(ctx: Context): Promise<void> {
        return Promise.reject(new Error(`STRICT.UNKNOWN: ${ctx.stub.getFunctionAndParameters().fcn}`));
      }
    }
    const other = tempDataDir();
    const strict = await EmbeddedLedger.open({ dataDir: other.dir, contracts: [Strict] });
    try {
      await expect(strict.submit(ORG1, 'strict', 'missing', [])).rejects.toMatchObject({
        code: 'LEDGER.CHAINCODE_ERROR',
        message: 'STRICT.UNKNOWN: strict:missing',
      });
    } finally {
      await strict.close();
      other.cleanup();
    }
  });

  it('checks the parameter count like fabric-contract-api', async () => {
    await expect(ledger.submit(ORG1, 'kv', 'put', ['only-key'])).rejects.toMatchObject({
      code: 'LEDGER.CHAINCODE_ERROR',
      message: 'Expected 2 parameters, but 1 have been supplied',
    });
  });

  it('keeps only the last event of a transaction', async () => {
    const res = await ledger.submit(ORG1, 'kv', 'emitTwice', ['a', 'b']);
    expect(ledger.getTransaction(res.txId).event).toEqual({ name: 'b', payload: Buffer.from('second').toString('base64') });
  });

  it('stores the transaction with its read and write sets', async () => {
    await ledger.submit(ORG1, 'kv', 'put', ['c', '5']);
    const res = await ledger.submit(ORG2, 'kv', 'increment', ['c', '0']);
    const tx = ledger.getTransaction(res.txId);
    expect(tx).toMatchObject({
      txId: res.txId,
      blockNumber: res.blockNumber,
      txIndex: 0,
      contract: 'kv',
      function: 'increment',
      args: ['c', '0'],
      creator: { mspId: 'Org2MSP', id: ORG2.id },
      readSet: { reads: [{ key: 'c', version: { blockNumber: 1, txIndex: 0 } }], rangeQueries: [] },
      writeSet: [{ key: 'c', isDelete: false, value: Buffer.from('6').toString('base64') }],
      event: null,
      response: '6',
      validationCode: 'VALID',
    });
  });

  it('refuses work after close', async () => {
    await ledger.close();
    await expect(ledger.submit(ORG1, 'kv', 'put', ['a', 'b'])).rejects.toBeInstanceOf(LedgerClosedError);
    expect(() => ledger.info()).toThrow(LedgerClosedError);
  });
});
