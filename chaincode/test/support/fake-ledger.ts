// An in-memory test double of the part of Fabric's ChaincodeStub the chaincode may use. It behaves
// like a peer where it matters for correctness: reads see committed state only (never the
// transaction's own writes), a failed transaction commits nothing, history comes back newest first
// (Fabric ≥ 2.0), composite keys use Fabric's \u0000 encoding and byte order, an empty value is refused
// (Fabric would treat it as a delete), and every iterator must be closed before the transaction ends.
// Any stub method outside the supported subset is simply absent, so using one fails the test.
import type { Context } from 'fabric-contract-api';

const NS = '\u0000';
const MAX_RUNE = '\u{10ffff}';

/** The transaction-function shape every contract method has. */
export type TxFn = (ctx: Context, request: string) => Promise<string>;

/** Names of a contract's transaction methods. */
export type TxName<C> = { [K in keyof C]: C[K] extends TxFn ? K : never }[keyof C] & string;

/** Who submits a transaction, and (optionally) when and with which id. */
export interface TxOptions {
  msp: string;
  clientId?: string;
  time?: string;
  txId?: string;
}

/** A chaincode event as set by setEvent. */
export interface CapturedEvent {
  name: string;
  payload: string;
}

/** A committed transaction. */
export interface CommittedTx {
  txId: string;
  fn: string;
  msp: string;
  timestamp: string;
  writes: [string, string | null][];
  /** Every setEvent call, in order (Fabric keeps only the last). */
  events: CapturedEvent[];
}

interface HistoryRecord {
  txId: string;
  value: Uint8Array;
  isDelete: boolean;
  timeMs: number;
}

interface KV {
  namespace: string;
  key: string;
  value: Uint8Array;
}

interface Iter<T> {
  next(): Promise<{ value: T; done: boolean }>;
  close(): Promise<void>;
}

function byteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function checkAttribute(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0) throw new Error('object type or attribute not a non-zero length string');
  if (value.includes(NS) || value.includes(MAX_RUNE)) throw new Error(`composite key attribute ${JSON.stringify(value)} contains U+0000 or U+10FFFF`);
}

/** The in-memory ledger: committed state, history per key and committed transactions. */
export class FakeLedger {
  readonly state = new Map<string, Uint8Array>();
  readonly history = new Map<string, HistoryRecord[]>();
  readonly transactions: CommittedTx[] = [];
  /** Key-level endorsement policies (setStateValidationParameter), as Fabric keeps them beside the keys. */
  readonly validationParameters = new Map<string, Uint8Array>();
  /** Time of the next transaction; advanced by `step` after each one unless a time is given. */
  nowMs = Date.parse('2030-01-01T00:00:00.000Z');
  step = 1000;
  private sequence = 0;

  /** Sets the clock of the next transaction. */
  setTime(iso: string): void {
    this.nowMs = Date.parse(iso);
  }

  /** Runs a write transaction; its writes and events are committed only if it succeeds. Returns the parsed result. */
  async submit<C extends object>(contract: C, fn: TxName<C>, request: unknown, options: TxOptions): Promise<unknown> {
    return this.run(contract, fn, request, options, true);
  }

  /** Runs a read transaction (nothing is committed). Returns the parsed result. */
  async evaluate<C extends object>(contract: C, fn: TxName<C>, request: unknown, options: TxOptions): Promise<unknown> {
    return this.run(contract, fn, request, options, false);
  }

  /** Like submit, but returns the raw result string (for byte-level comparisons). */
  async submitRaw<C extends object>(contract: C, fn: TxName<C>, request: unknown, options: TxOptions): Promise<string> {
    return this.invoke(contract, fn, request, options, true);
  }

  /** The events of the last committed transaction. */
  lastEvents(): CapturedEvent[] {
    return this.transactions.at(-1)?.events ?? [];
  }

  /** Committed state as sorted [key, value] pairs (for byte-level comparisons). */
  dump(): [string, string][] {
    return [...this.state.entries()].sort(([a], [b]) => byteCompare(a, b)).map(([k, v]) => [k, Buffer.from(v).toString('utf8')]);
  }

  private async run<C extends object>(contract: C, fn: TxName<C>, request: unknown, options: TxOptions, commit: boolean): Promise<unknown> {
    return JSON.parse(await this.invoke(contract, fn, request, options, commit)) as unknown;
  }

  private async invoke<C extends object>(contract: C, fn: TxName<C>, request: unknown, options: TxOptions, commit: boolean): Promise<string> {
    const method = contract[fn] as unknown as TxFn;
    this.sequence += 1;
    const txId = options.txId ?? `tx${String(this.sequence).padStart(6, '0')}`;
    const timeMs = options.time === undefined ? this.nowMs : Date.parse(options.time);
    if (options.time === undefined) this.nowMs += this.step;
    const stub = new FakeStub(this, txId, timeMs);
    const ctx = {
      stub,
      clientIdentity: { getMSPID: () => options.msp, getID: () => options.clientId ?? `x509::/CN=client::/CN=ca.${options.msp}` },
    } as unknown as Context;
    const result = await method.call(contract, ctx, typeof request === 'string' ? request : JSON.stringify(request));
    if (typeof result !== 'string') throw new Error(`${fn} returned ${typeof result}, not a string`);
    stub.assertIteratorsClosed();
    if (commit) this.commit(stub, fn, options.msp, timeMs);
    return result;
  }

  /** Applies a successful transaction's writes, history and events (used by other drivers of FakeStub too). */
  commit(stub: FakeStub, fn: string, msp: string, timeMs: number): void {
    const writes: [string, string | null][] = [];
    for (const [k, policy] of stub.validationParameters) this.validationParameters.set(k, policy);
    for (const [k, v] of stub.writes) {
      if (v === null) this.state.delete(k);
      else this.state.set(k, v);
      const list = this.history.get(k) ?? [];
      list.push({ txId: stub.txId, value: v ?? new Uint8Array(), isDelete: v === null, timeMs });
      this.history.set(k, list);
      writes.push([k, v === null ? null : Buffer.from(v).toString('utf8')]);
    }
    this.transactions.push({ txId: stub.txId, fn, msp, timestamp: new Date(timeMs).toISOString(), writes, events: stub.events });
  }
}

function iterator<T>(items: T[], onClose: () => void): Iter<T> {
  let index = 0;
  return {
    next: () => {
      const item = items[index];
      index += 1;
      return Promise.resolve(item === undefined ? { value: undefined as unknown as T, done: true } : { value: item, done: false });
    },
    close: () => {
      onClose();
      return Promise.resolve();
    },
  };
}

/** The stub of one transaction. */
export class FakeStub {
  readonly writes = new Map<string, Uint8Array | null>();
  readonly validationParameters = new Map<string, Uint8Array>();
  readonly events: CapturedEvent[] = [];
  private openIterators = 0;

  constructor(
    private readonly ledger: FakeLedger,
    readonly txId: string,
    private readonly timeMs: number,
  ) {}

  getTxID(): string {
    return this.txId;
  }

  getDateTimestamp(): Date {
    return new Date(this.timeMs);
  }

  getState(key: string): Promise<Uint8Array> {
    this.checkKey(key);
    const value = this.ledger.state.get(key);
    return Promise.resolve(value === undefined ? new Uint8Array() : Uint8Array.from(value));
  }

  putState(key: string, value: Uint8Array): Promise<void> {
    this.checkKey(key);
    if (!(value instanceof Uint8Array) || value.length === 0) throw new Error(`putState(${JSON.stringify(key)}): empty value (Fabric treats it as a delete)`);
    this.writes.set(key, Uint8Array.from(value));
    return Promise.resolve();
  }

  setStateValidationParameter(key: string, policy: Uint8Array): Promise<void> {
    this.checkKey(key);
    this.validationParameters.set(key, Uint8Array.from(policy));
    return Promise.resolve();
  }

  deleteState(key: string): Promise<void> {
    this.checkKey(key);
    this.writes.set(key, null);
    return Promise.resolve();
  }

  getStateByRange(startKey: string, endKey: string): Promise<Iter<KV>> {
    for (const k of [startKey, endKey]) {
      if (k.startsWith(NS)) throw new Error('getStateByRange: composite keys are not allowed');
    }
    const keys = [...this.ledger.state.keys()].filter(
      (k) => !k.startsWith(NS) && byteCompare(k, startKey) >= 0 && (endKey === '' || byteCompare(k, endKey) < 0),
    );
    return Promise.resolve(this.kvIterator(keys));
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<Iter<KV>> {
    const prefix = this.createCompositeKey(objectType, attributes);
    const keys = [...this.ledger.state.keys()].filter((k) => k.startsWith(prefix));
    return Promise.resolve(this.kvIterator(keys));
  }

  getHistoryForKey(key: string): Promise<Iter<{ txId: string; value: Uint8Array; isDelete: boolean; timestamp: { seconds: number; nanos: number } }>> {
    this.checkKey(key);
    const records = [...(this.ledger.history.get(key) ?? [])].reverse();
    this.openIterators += 1;
    return Promise.resolve(
      iterator(
        records.map((r) => ({
          txId: r.txId,
          value: Uint8Array.from(r.value),
          isDelete: r.isDelete,
          timestamp: { seconds: Math.floor(r.timeMs / 1000), nanos: (r.timeMs % 1000) * 1_000_000 },
        })),
        () => (this.openIterators -= 1),
      ),
    );
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    checkAttribute(objectType);
    if (!Array.isArray(attributes)) throw new Error('attributes must be an array');
    let k = NS + objectType + NS;
    for (const attribute of attributes) {
      checkAttribute(attribute);
      k += attribute + NS;
    }
    return k;
  }

  splitCompositeKey(compositeKey: string): { objectType: string; attributes: string[] } {
    const parts = compositeKey.slice(1).split(NS);
    parts.pop();
    const [objectType = '', ...attributes] = parts;
    return { objectType, attributes };
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (name.length === 0) throw new Error('event name must be a non-empty string');
    this.events.push({ name, payload: Buffer.from(payload).toString('utf8') });
  }

  assertIteratorsClosed(): void {
    if (this.openIterators !== 0) throw new Error(`${this.openIterators} iterator(s) left open`);
  }

  private kvIterator(keys: string[]): Iter<KV> {
    keys.sort(byteCompare);
    this.openIterators += 1;
    const items = keys.map((k) => ({ namespace: 'phdmf', key: k, value: Uint8Array.from(this.ledger.state.get(k) ?? new Uint8Array()) }));
    return iterator(items, () => (this.openIterators -= 1));
  }

  private checkKey(key: string): void {
    if (typeof key !== 'string' || key.length === 0) throw new Error('key must be a non-empty string');
  }
}
