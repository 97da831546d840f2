// A small contract used by the embedded ledger's tests, written the way PHDMF's chaincode is
// (fabric-contract-api decorators, string arguments), so the tests exercise the same dispatch
// path. Deliberately independent of chaincode/.
import './quiet-fabric-logs';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

@Info({ title: 'KvContract', description: 'test contract for the embedded ledger' })
export class KvContract extends Contract {
  constructor() {
    super('kv');
  }

  @Transaction()
  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, key: string): Promise<string> {
    return text(await ctx.stub.getState(key));
  }

  /** Reads a key, then overwrites the bytes it was given: what the ledger hands out must be the caller's own. */
  @Transaction(false)
  @Returns('string')
  async getThenScribble(ctx: Context, key: string): Promise<string> {
    const bytes = await ctx.stub.getState(key);
    const value = text(bytes);
    bytes.fill(0x21);
    return value;
  }

  @Transaction()
  async del(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Read-modify-write of a counter: the classic MVCC conflict when run concurrently. */
  @Transaction()
  @Returns('string')
  async increment(ctx: Context, key: string, delayMs: string): Promise<string> {
    const current = Number(text(await ctx.stub.getState(key)) || '0');
    if (Number(delayMs) > 0) {
      await sleep(Number(delayMs));
    }
    const next = String(current + 1);
    await ctx.stub.putState(key, Buffer.from(next));
    return next;
  }

  /** increment plus an event: an invalid transaction must not deliver its event. */
  @Transaction()
  async incrementWithEvent(ctx: Context, key: string, delayMs: string): Promise<string> {
    const next = await this.increment(ctx, key, delayMs);
    ctx.stub.setEvent('Incremented', Buffer.from(next));
    return next;
  }

  @Transaction()
  async putComposite(ctx: Context, objectType: string, a: string, b: string, value: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey(objectType, [a, b]), Buffer.from(value));
  }

  /** Partial composite key query with for-await. */
  @Transaction(false)
  async listPartial(ctx: Context, objectType: string, attributesJson: string): Promise<string> {
    const attributes = JSON.parse(attributesJson) as string[];
    const out: { objectType: string; attributes: string[]; value: string }[] = [];
    for await (const kv of ctx.stub.getStateByPartialCompositeKey(objectType, attributes)) {
      const split = ctx.stub.splitCompositeKey(kv.key);
      out.push({ objectType: split.objectType, attributes: split.attributes, value: text(kv.value) });
    }
    return JSON.stringify(out);
  }

  /** Range query with the fabric-samples next()/close() loop. */
  @Transaction(false)
  async rangeNext(ctx: Context, start: string, end: string): Promise<string> {
    const out: [string, string][] = [];
    const iterator = await ctx.stub.getStateByRange(start, end);
    let result = await iterator.next();
    while (!result.done) {
      out.push([result.value.key, text(result.value.value)]);
      result = await iterator.next();
    }
    await iterator.close();
    return JSON.stringify(out);
  }

  /** Range query with for-await, stopping after `limit` results, then optionally waiting. */
  @Transaction(false)
  async rangeForAwait(ctx: Context, start: string, end: string, limit: string, delayMs: string): Promise<string> {
    const out: string[] = [];
    for await (const kv of ctx.stub.getStateByRange(start, end)) {
      out.push(kv.key);
      if (out.length >= Number(limit)) {
        break;
      }
    }
    if (Number(delayMs) > 0) {
      await sleep(Number(delayMs));
    }
    return JSON.stringify(out);
  }

  /** Counts a range, optionally waits, then writes the count: phantom-read material. */
  @Transaction()
  async countRangeThenPut(ctx: Context, start: string, end: string, target: string, delayMs: string): Promise<string> {
    let count = 0;
    for await (const _kv of ctx.stub.getStateByRange(start, end)) {
      count++;
    }
    if (Number(delayMs) > 0) {
      await sleep(Number(delayMs));
    }
    await ctx.stub.putState(target, Buffer.from(String(count)));
    return String(count);
  }

  @Transaction(false)
  async history(ctx: Context, key: string): Promise<string> {
    const out: { txId: string; isDelete: boolean; value: string; seconds: number; nanos: number }[] = [];
    const iterator = await ctx.stub.getHistoryForKey(key);
    let result = await iterator.next();
    while (!result.done) {
      const m = result.value;
      out.push({ txId: m.txId, isDelete: m.isDelete, value: text(m.value), seconds: Number(m.timestamp.seconds), nanos: m.timestamp.nanos });
      result = await iterator.next();
    }
    await iterator.close();
    return JSON.stringify(out);
  }

  @Transaction()
  async emit(ctx: Context, name: string, payload: string): Promise<void> {
    await ctx.stub.putState(`event:${ctx.stub.getTxID()}`, Buffer.from(name));
    ctx.stub.setEvent(name, Buffer.from(payload));
  }

  @Transaction()
  emitTwice(ctx: Context, first: string, second: string): Promise<void> {
    ctx.stub.setEvent(first, Buffer.from('first'));
    ctx.stub.setEvent(second, Buffer.from('second'));
    return Promise.resolve();
  }

  /** Writes, then throws: nothing may be committed. */
  @Transaction()
  async fail(ctx: Context, key: string, message: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from('should never be committed'));
    ctx.stub.setEvent('never', Buffer.from('x'));
    throw new Error(message);
  }

  /** Fabric returns committed state to getState, never the transaction's own write. */
  @Transaction()
  async putThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return text(await ctx.stub.getState(key));
  }

  @Transaction(false)
  whoAmI(ctx: Context): Promise<string> {
    const ts = ctx.stub.getTxTimestamp();
    return Promise.resolve(
      JSON.stringify({
        mspId: ctx.clientIdentity.getMSPID(),
        id: ctx.clientIdentity.getID(),
        attribute: ctx.clientIdentity.getAttributeValue('role'),
        assert: ctx.clientIdentity.assertAttributeValue('role', 'admin'),
        txId: ctx.stub.getTxID(),
        channel: ctx.stub.getChannelID(),
        call: ctx.stub.getFunctionAndParameters(),
        seconds: ts.seconds.toNumber(),
        nanos: ts.nanos,
        date: ctx.stub.getDateTimestamp().toISOString(),
      }),
    );
  }

  @Transaction(false)
  @Returns('number')
  add(_ctx: Context, a: number, b: number): Promise<number> {
    return Promise.resolve(a + b);
  }

  @Transaction(false)
  returnsObject(_ctx: Context, name: string): Promise<{ name: string; n: number }> {
    return Promise.resolve({ name, n: 1 });
  }
}

/** A contract without decorators: every public method is a transaction, as in fabric-shim. */
export class EchoContract extends Contract {
  constructor() {
    super('echo');
  }

  ping(_ctx: Context, message: string): Promise<string> {
    return Promise.resolve(`pong:${message}`);
  }
}
