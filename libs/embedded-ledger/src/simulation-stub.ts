// The ChaincodeStub a contract sees during simulation (Fabric's "execute" phase).
//
// Fabric semantics kept on purpose:
// - Reads see committed state only; a transaction never reads its own writes.
// - Every key read is recorded with the version it had (first read wins, so a key read twice
//   across a concurrent commit can only make the transaction more likely to be invalidated).
// - Range and partial-composite-key queries are recorded (results consumed, exhausted or not)
//   so the validator can re-run them and detect phantoms.
// - Writes are buffered, last write per key wins; putState with an empty value is a delete
//   (Fabric's rwset builder marks a write with len(value) == 0 as IsDelete).
// - Only the last setEvent of a transaction is kept.
// - Timestamp, transaction id and channel come from the transaction, not the clock.
// Stub calls the embedded ledger does not support throw, naming the call.
import type {
  ChaincodeProposal,
  ChaincodeResponse,
  ChaincodeStub,
  Iterators,
  SerializedIdentity,
  SplitCompositekey,
  StateQueryResponse,
  Timestamp,
} from 'fabric-shim-api';
import Long from 'long';
import {
  createCompositeKey,
  EMPTY_KEY_SUBSTITUTE,
  MAX_UNICODE_RUNE,
  splitCompositeKey,
  validateSimpleKeys,
  validateWriteKey,
} from './composite-key';
import { HistoryIterator, StateRangeIterator, asQueryResult } from './query-iterators';
import type { KeyVersion, LedgerIdentity, RangeQueryRead, TxTimestamp } from './types';
import type { StateReader } from './world-state';

export interface SimulationContext {
  txId: string;
  channelId: string;
  chaincodeName: string;
  contractName: string;
  functionName: string;
  args: readonly string[];
  creator: LedgerIdentity;
  timestamp: TxTimestamp;
  /** False for evaluate: nothing is validated later, so reads need not be recorded. */
  recordReads: boolean;
}

/** Everything a simulation produced that the validator and the block need. */
export interface ReadWriteSet {
  reads: Map<string, KeyVersion | null>;
  rangeQueries: RangeQueryRead[];
  /** null value = delete. */
  writes: Map<string, Buffer | null>;
  /**
   * Key-level endorsement policies set by the transaction (setStateValidationParameter). Kept for
   * inspection only: the embedded ledger has one endorser, the ledger service itself, so a policy naming
   * an organisation's peers has nothing to check here (Fabric enforces them; see chaincode/README.md).
   */
  validationParameters: Map<string, Buffer>;
  event: { name: string; payload: Buffer } | null;
}

export class SimulationStub implements ChaincodeStub {
  readonly rwset: ReadWriteSet = { reads: new Map(), rangeQueries: [], writes: new Map(), validationParameters: new Map(), event: null };
  private active = true;

  constructor(
    private readonly state: StateReader,
    readonly tx: SimulationContext,
  ) {}

  /** Called when the transaction function has returned: later stub calls are a chaincode bug. */
  finish(): void {
    this.active = false;
  }

  private readonly assertActive = (): void => {
    if (!this.active) {
      throw new Error(`transaction ${this.tx.txId} has completed; its stub can no longer be used`);
    }
  };

  getArgs(): string[] {
    return this.getStringArgs();
  }

  getStringArgs(): string[] {
    return [this.fcn(), ...this.tx.args];
  }

  getFunctionAndParameters(): { params: string[]; fcn: string } {
    // On a peer the first argument is "Contract:function" when the client names a contract.
    return { fcn: this.fcn(), params: [...this.tx.args] };
  }

  getTxID(): string {
    return this.tx.txId;
  }

  getChannelID(): string {
    return this.tx.channelId;
  }

  getCreator(): SerializedIdentity {
    return { mspid: this.tx.creator.mspId, idBytes: Buffer.from(this.tx.creator.id) };
  }

  getTransient(): Map<string, Uint8Array> {
    return new Map();
  }

  getTxTimestamp(): Timestamp {
    // fabric-shim returns seconds as an unsigned Long.
    return { seconds: Long.fromNumber(this.tx.timestamp.seconds, true), nanos: this.tx.timestamp.nanos };
  }

  getDateTimestamp(): Date {
    return new Date(this.tx.timestamp.seconds * 1000 + Math.floor(this.tx.timestamp.nanos / 1_000_000));
  }

  getState(key: string): Promise<Uint8Array> {
    try {
      this.assertActive();
      const entry = this.state.get(key);
      this.recordRead(key, entry?.version ?? null);
      return Promise.resolve(entry === undefined ? Buffer.alloc(0) : entry.value);
    } catch (err) {
      return rejected(err);
    }
  }

  putState(key: string, value: Uint8Array | string): Promise<void> {
    try {
      this.assertActive();
      validateWriteKey(key);
      const bytes = typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);
      this.rwset.writes.set(key, bytes.length === 0 ? null : bytes);
      return Promise.resolve();
    } catch (err) {
      return rejected(err);
    }
  }

  deleteState(key: string): Promise<void> {
    try {
      this.assertActive();
      validateWriteKey(key);
      this.rwset.writes.set(key, null);
      return Promise.resolve();
    } catch (err) {
      return rejected(err);
    }
  }

  getStateByRange(startKey: string, endKey: string): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return asQueryResult(() => {
      this.assertActive();
      const start = startKey === '' ? EMPTY_KEY_SUBSTITUTE : startKey;
      validateSimpleKeys(start, endKey);
      return this.rangeIterator(start, endKey);
    });
  }

  getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return asQueryResult(() => {
      this.assertActive();
      const prefix = createCompositeKey(objectType, attributes);
      return this.rangeIterator(prefix, prefix + MAX_UNICODE_RUNE);
    });
  }

  getHistoryForKey(key: string): Promise<Iterators.HistoryQueryIterator> & AsyncIterable<Iterators.KeyModification> {
    // Not recorded for validation: Fabric does not re-check history reads either.
    return asQueryResult(() => {
      this.assertActive();
      return new HistoryIterator(this.state.history(key), this.assertActive);
    });
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.assertActive();
    if (typeof name !== 'string' || name === '') {
      throw new Error('Event name must be a non-empty string');
    }
    this.rwset.event = { name, payload: Buffer.from(payload) };
  }

  setStateValidationParameter(key: string, policy: Uint8Array): Promise<void> {
    this.assertActive();
    validateWriteKey(key);
    this.rwset.validationParameters.set(key, Buffer.from(policy));
    return Promise.resolve();
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    return createCompositeKey(objectType, attributes);
  }

  splitCompositeKey(compositeKey: string): SplitCompositekey {
    return splitCompositeKey(compositeKey);
  }

  // --- Not supported by the embedded ledger (PHDMF's chaincode does not use them). ---

  getMspID(): string {
    return unsupported('getMspID');
  }
  getSignedProposal(): ChaincodeProposal.SignedProposal {
    return unsupported('getSignedProposal');
  }
  getBinding(): string {
    return unsupported('getBinding');
  }
  getStateValidationParameter(): Promise<Uint8Array> {
    return unsupported('getStateValidationParameter');
  }
  getStateByRangeWithPagination(): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    return unsupported('getStateByRangeWithPagination');
  }
  getStateByPartialCompositeKeyWithPagination(): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    return unsupported('getStateByPartialCompositeKeyWithPagination');
  }
  getQueryResult(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return unsupported('getQueryResult (rich queries need CouchDB)');
  }
  getQueryResultWithPagination(): Promise<StateQueryResponse<Iterators.StateQueryIterator>> & AsyncIterable<Iterators.KV> {
    return unsupported('getQueryResultWithPagination (rich queries need CouchDB)');
  }
  invokeChaincode(): Promise<ChaincodeResponse> {
    return unsupported('invokeChaincode');
  }
  getPrivateData(): Promise<Uint8Array> {
    return unsupported('getPrivateData');
  }
  getPrivateDataHash(): Promise<Uint8Array> {
    return unsupported('getPrivateDataHash');
  }
  putPrivateData(): Promise<void> {
    return unsupported('putPrivateData');
  }
  deletePrivateData(): Promise<void> {
    return unsupported('deletePrivateData');
  }
  purgePrivateData(): Promise<void> {
    return unsupported('purgePrivateData');
  }
  setPrivateDataValidationParameter(): Promise<void> {
    return unsupported('setPrivateDataValidationParameter');
  }
  getPrivateDataValidationParameter(): Promise<Uint8Array> {
    return unsupported('getPrivateDataValidationParameter');
  }
  getPrivateDataByRange(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return unsupported('getPrivateDataByRange');
  }
  getPrivateDataByPartialCompositeKey(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return unsupported('getPrivateDataByPartialCompositeKey');
  }
  getPrivateDataQueryResult(): Promise<Iterators.StateQueryIterator> & AsyncIterable<Iterators.KV> {
    return unsupported('getPrivateDataQueryResult');
  }

  private fcn(): string {
    return `${this.tx.contractName}:${this.tx.functionName}`;
  }

  private recordRead(key: string, version: KeyVersion | null): void {
    if (this.tx.recordReads && !this.rwset.reads.has(key)) {
      this.rwset.reads.set(key, version);
    }
  }

  private rangeIterator(startKey: string, endKey: string): StateRangeIterator {
    let recorder: RangeQueryRead | undefined;
    if (this.tx.recordReads) {
      recorder = { startKey, endKey, itrExhausted: false, results: [] };
      this.rwset.rangeQueries.push(recorder);
    }
    return new StateRangeIterator(this.state, startKey, endKey, this.tx.chaincodeName, recorder, this.assertActive);
  }
}

function rejected(err: unknown): Promise<never> {
  return Promise.reject(err instanceof Error ? err : new Error(String(err)));
}

function unsupported(call: string): never {
  throw new Error(`${call} is not supported by the embedded ledger`);
}
