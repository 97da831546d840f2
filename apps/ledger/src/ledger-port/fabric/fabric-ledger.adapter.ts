// The `fabric` adapter: the ledger port over a Hyperledger Fabric network through the peers' gateway
// service (@hyperledger/fabric-gateway). One gRPC connection per peer endpoint for the whole process
// (peer-connections.ts), one gateway per member organisation signing with that organisation's client
// identity from connection.json (picked by the caller's `identity.mspId`, as with the embedded
// adapter), deadlines per call kind, submit-then-await-commit with any number in flight, chain reads
// through the system chaincode qscc decoded with @hyperledger/fabric-protos (fabric-blocks.ts).
// Chaincode error codes come from the JSON object in the endorsement error details
// (parseChaincodeError via chaincodeFailure), never from the prose around it.
import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { CommitStatusError, connect, EndorseError, GatewayError, hash, signers, type ChaincodeEvent, type CloseableAsyncIterable, type Contract, type Gateway, type Network, type SubmittedTransaction, type Transaction } from '@hyperledger/fabric-gateway';
import { peer as peerProtos, common } from '@hyperledger/fabric-protos';
import { LedgerErrorCode, PhdmfError, type LedgerBlock, type LedgerChainInfo, type LedgerChainVerification, type LedgerTransaction } from '@phdmf/contracts';
import { DEADLINE_MARGIN_MS, timeLeft } from '@phdmf/messaging';
import { timeFabricPhase } from '@phdmf/observability';
import { parseChaincodeError } from '../../chaincode/phdmf-chaincode';
import { chaincodeFailure, ledgerError } from '../ledger-errors';
import type { EventCheckpoint, LedgerChaincodeEvent, LedgerPort, SigningIdentity, SubmitResult } from '../ledger-port';
import type { FabricConnectionProfile, FabricOrganisation } from './connection-profile';
import { blockDataHash, blockHeaderHash, decodeBlock, decodeTxIndexes, hex, toLedgerBlock, toLedgerTransaction, validationCodeName, type DecodedBlock, type DecodedTransaction } from './fabric-blocks';
import { acquirePeerConnection, type PeerConnection } from './peer-connections';

/** gRPC deadlines per call kind, and how long a transaction the orderers did not take is re-sent, in milliseconds. */
export interface FabricDeadlines {
  evaluateMs: number;
  endorseMs: number;
  submitMs: number;
  commitStatusMs: number;
  /** From the first submission: after this no new attempt starts (submitEndorsed). */
  resubmitMs: number;
}

export const DEFAULT_FABRIC_DEADLINES: FabricDeadlines = { evaluateMs: 5_000, endorseMs: 15_000, submitMs: 5_000, commitStatusMs: 60_000, resubmitMs: 10_000 };

export interface FabricAdapterOptions {
  profile: FabricConnectionProfile;
  deadlines?: Partial<FabricDeadlines>;
}

interface OrgGateway {
  org: FabricOrganisation;
  connection: PeerConnection;
  gateway: Gateway;
  network: Network;
  contract: Contract;
}

/** gRPC status codes that mean "the peer could not be reached or did not answer in time". */
const TRANSPORT_CODES = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED, grpc.status.CANCELLED, grpc.status.RESOURCE_EXHAUSTED]);
const GRPC_UNKNOWN: number = grpc.status.UNKNOWN;
/** The gateway's detail when endorsers' proposal responses differ (Fabric internal/pkg/gateway/endorsement.go). */
const PAYLOAD_MISMATCH = 'ProposalResponsePayloads do not match';
/** A submit's gRPC codes when the ordering service did not confirm the transaction (Fabric's internal/pkg/gateway/submit.go). */
const NOT_TAKEN_CODES = new Set<number>([grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]);
/** The pause before re-sending a transaction the orderers did not take; it doubles after each attempt, up to the last. */
const RESUBMIT_FIRST_PAUSE_MS = 250;
const RESUBMIT_LAST_PAUSE_MS = 2_000;
const TX_INDEX_CACHE_BLOCKS = 256;
const VERIFY_CONCURRENCY = 8;

/** The ledger port over a Fabric network described by connection.json. */
export class FabricLedgerAdapter implements LedgerPort {
  readonly adapter = 'fabric';

  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly streams = new Set<CloseableAsyncIterable<ChaincodeEvent>>();
  /** Block number → (txId → txIndex), for the events' positions; bounded. */
  private readonly txIndexCache = new Map<number, Promise<Map<string, number>>>();

  private constructor(
    private readonly profile: FabricConnectionProfile,
    private readonly gateways: ReadonlyMap<string, OrgGateway>,
    /** Reads (qscc, events) go through the first organisation's peer. */
    private readonly reader: OrgGateway,
    private readonly resubmitMs: number,
  ) {}

  /** Connects one gateway per organisation of the profile (no network call until the first request). */
  static open(options: FabricAdapterOptions): FabricLedgerAdapter {
    const { profile } = options;
    const deadlines = { ...DEFAULT_FABRIC_DEADLINES, ...options.deadlines };
    const within = (ms: number) => () => ({ deadline: Date.now() + ms });
    const gateways = new Map<string, OrgGateway>();
    try {
      for (const org of profile.organisations) {
        const connection = acquirePeerConnection(org.peer);
        const gateway = connect({
          client: connection.client,
          identity: { mspId: org.mspId, credentials: org.user.certificate },
          signer: signers.newPrivateKeySigner(createPrivateKey(org.user.privateKeyPem)),
          hash: hash.sha256,
          evaluateOptions: within(deadlines.evaluateMs),
          endorseOptions: within(deadlines.endorseMs),
          submitOptions: within(deadlines.submitMs),
          commitStatusOptions: within(deadlines.commitStatusMs),
        });
        const network = gateway.getNetwork(profile.channel);
        gateways.set(org.mspId, { org, connection, gateway, network, contract: network.getContract(profile.chaincode) });
      }
    } catch (error) {
      for (const g of gateways.values()) {
        g.gateway.close();
        g.connection.release();
      }
      throw error;
    }
    const reader = gateways.values().next().value;
    if (reader === undefined) throw new Error('connection profile without organisations');
    return new FabricLedgerAdapter(profile, gateways, reader, deadlines.resubmitMs);
  }

  /** The MSPs this adapter can sign for. */
  get mspIds(): string[] {
    return [...this.gateways.keys()];
  }

  submit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    return this.track(() => this.doSubmit(identity, contract, fn, args));
  }

  private async doSubmit(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<SubmitResult> {
    const org = this.gatewayFor(identity);
    let submitted;
    try {
      // submitAsync's two steps, apart so each is timed (phdmf_fabric_duration_seconds).
      const endorsed = await timeFabricPhase('endorse', () => org.contract.newProposal(`${contract}:${fn}`, { arguments: [...args] }).endorse());
      submitted = await this.submitEndorsed(endorsed);
    } catch (error) {
      throw this.mapError(error);
    }
    const txId = submitted.getTransactionId();
    const result = Buffer.from(submitted.getResult()).toString('utf8');
    let status;
    try {
      status = await timeFabricPhase('commit', () => submitted.getStatus());
    } catch (error) {
      throw this.mapError(error, { txId });
    }
    const blockNumber = Number(status.blockNumber);
    if (status.successful) return { txId, blockNumber, result };
    const validationCode = validationCodeName(status.code);
    if (status.code === peerProtos.TxValidationCode.MVCC_READ_CONFLICT) {
      throw ledgerError(LedgerErrorCode.MVCC_CONFLICT, `transaction ${txId} was invalidated by a concurrent one (${validationCode})`, { txId, blockNumber, validationCode });
    }
    // Any other invalidation (endorsement policy, duplicate id, …) is not the caller's to retry.
    throw ledgerError(LedgerErrorCode.UNAVAILABLE, `transaction ${txId} was committed as invalid (${validationCode})`, { txId, blockNumber, validationCode });
  }

  /**
   * Hands an endorsed transaction to the ordering service, and hands it again while the service does not
   * confirm it: UNAVAILABLE (a SmartBFT broadcast that reached fewer orderers than its quorum, or no orderer
   * at all) or DEADLINE_EXCEEDED. Such a failure does not say the transaction was not ordered (an orderer
   * that took it may still propose it), so answering it at once could report as failed a change that then
   * commits. It is the same signed envelope every time, so the same transaction id: an orderer that holds
   * it already counts it as taken, and a second copy in a block is invalidated as a duplicate — it commits
   * once at most. For up to `resubmitMs`, and not past the deadline of the request being served: a retry
   * of the command finds the transaction by its key if it was ordered after all.
   */
  private async submitEndorsed(endorsed: Transaction): Promise<SubmittedTransaction> {
    const left = timeLeft();
    const giveUpAt = Date.now() + (left === undefined ? this.resubmitMs : Math.min(this.resubmitMs, left - DEADLINE_MARGIN_MS));
    for (let pause = RESUBMIT_FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, RESUBMIT_LAST_PAUSE_MS)) {
      try {
        return await timeFabricPhase('submit', () => endorsed.submit());
      } catch (error) {
        if (!notTakenByOrderers(error) || this.closed || Date.now() + pause > giveUpAt) throw error;
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    }
  }

  evaluate(identity: SigningIdentity, contract: string, fn: string, args: readonly string[]): Promise<string> {
    return this.track(async () => {
      const org = this.gatewayFor(identity);
      try {
        return Buffer.from(await timeFabricPhase('evaluate', () => org.contract.evaluate(`${contract}:${fn}`, { arguments: [...args] }))).toString('utf8');
      } catch (error) {
        throw this.mapError(error);
      }
    });
  }

  chaincodeEvents(from: EventCheckpoint): AsyncIterable<LedgerChaincodeEvent> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the generator below needs the adapter
    const self = this;
    return {
      async *[Symbol.asyncIterator]() {
        self.assertOpen();
        // The transactions of the checkpoint's block up to and including `afterTxId` were seen already.
        let skipThrough = -1;
        if (from.afterTxId !== undefined) {
          const newChain = (): PhdmfError =>
            ledgerError(
              LedgerErrorCode.NOT_FOUND,
              `checkpoint transaction ${from.afterTxId} is not in block ${from.blockNumber}: the chain is not the one the checkpoint was taken on (a new network needs a new checkpoint)`,
            );
          const indexes = await self.txIndexes(from.blockNumber).catch((error: unknown) => {
            // qscc refuses a block beyond the height with a chaincode error: not this chain's checkpoint.
            throw error instanceof PhdmfError && error.code === LedgerErrorCode.CHAINCODE_FAILED ? newChain() : error;
          });
          const index = indexes.get(from.afterTxId);
          if (index === undefined) {
            throw newChain();
          }
          skipThrough = index;
        }
        let stream: CloseableAsyncIterable<ChaincodeEvent>;
        try {
          stream = await self.reader.network.getChaincodeEvents(self.profile.chaincode, { startBlock: BigInt(from.blockNumber) });
        } catch (error) {
          throw self.mapError(error);
        }
        self.streams.add(stream);
        try {
          for await (const event of stream) {
            const blockNumber = Number(event.blockNumber);
            const txIndex = (await self.txIndexes(blockNumber)).get(event.transactionId);
            if (txIndex === undefined) throw new Error(`chaincode event of ${event.transactionId} not found in block ${blockNumber}`);
            if (blockNumber === from.blockNumber && txIndex <= skipThrough) continue;
            yield { blockNumber, txIndex, txId: event.transactionId, eventIndex: 0, eventName: event.eventName, payload: event.payload };
          }
        } catch (error) {
          // Closing the port (or the stream) cancels the call: the stream simply ends.
          if (self.closed) return;
          throw self.mapError(error);
        } finally {
          self.streams.delete(stream);
          stream.close();
        }
      },
    };
  }

  async getBlock(blockNumber: number): Promise<LedgerBlock> {
    if (!Number.isSafeInteger(blockNumber) || blockNumber < 0) throw ledgerError(LedgerErrorCode.INVALID_INPUT, `block number must be a non-negative integer (got ${blockNumber})`);
    const { height } = await this.chainInfo();
    if (blockNumber >= height) throw ledgerError(LedgerErrorCode.NOT_FOUND, `no block ${blockNumber}: the chain has ${height} blocks`);
    return toLedgerBlock(await this.readBlock(blockNumber));
  }

  async getTransaction(txId: string): Promise<LedgerTransaction> {
    return toLedgerTransaction(await this.findTransaction(txId));
  }

  /** A transaction with the MSPs of the peers that endorsed it (Fabric-specific; tests and audits). */
  async findTransaction(txId: string): Promise<DecodedTransaction> {
    let bytes: Uint8Array;
    try {
      bytes = await this.qscc('GetBlockByTxID', txId);
    } catch (error) {
      // qscc answers an unknown id with a chaincode error (status 500); anything else is the transport's.
      if (error instanceof PhdmfError && error.code === LedgerErrorCode.CHAINCODE_FAILED) {
        throw ledgerError(LedgerErrorCode.NOT_FOUND, `no transaction ${txId} on channel ${this.profile.channel}`);
      }
      throw error;
    }
    const tx = decodeBlock(bytes).transactions.find((t) => t.txId === txId);
    if (tx === undefined) throw ledgerError(LedgerErrorCode.NOT_FOUND, `no transaction ${txId} on channel ${this.profile.channel}`);
    return tx;
  }

  async chainInfo(): Promise<LedgerChainInfo> {
    const info = common.BlockchainInfo.deserializeBinary(await this.qscc('GetChainInfo'));
    return { height: info.getHeight(), currentBlockHash: hex(info.getCurrentblockhash_asU8()), previousBlockHash: hex(info.getPreviousblockhash_asU8()) };
  }

  /**
   * Reads every block and checks its data hash and its link to the previous block's header hash,
   * and that the last block's hash is the peer's current block hash.
   */
  async verifyChain(): Promise<LedgerChainVerification> {
    const info = await this.chainInfo();
    let previous: DecodedBlock['header'] | undefined;
    for (let start = 0; start < info.height; start += VERIFY_CONCURRENCY) {
      const numbers = Array.from({ length: Math.min(VERIFY_CONCURRENCY, info.height - start) }, (_, i) => start + i);
      const blocks = await Promise.all(numbers.map((n) => this.readBlock(n)));
      for (const block of blocks) {
        const n = block.header.number;
        if (hex(blockDataHash(block.data)) !== hex(block.header.dataHash)) return { ok: false, firstInvalidBlock: n, reason: `block ${n}: its data does not match its data hash` };
        if (previous !== undefined && hex(blockHeaderHash(previous)) !== hex(block.header.previousHash)) {
          return { ok: false, firstInvalidBlock: n, reason: `block ${n}: its previous hash is not the hash of block ${n - 1}` };
        }
        previous = block.header;
      }
    }
    if (previous !== undefined && hex(blockHeaderHash(previous)) !== info.currentBlockHash) {
      return { ok: false, firstInvalidBlock: previous.number, reason: `block ${previous.number}: its hash is not the peer's current block hash` };
    }
    return { ok: true, height: info.height };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stream of this.streams) stream.close();
    await Promise.allSettled([...this.inFlight]);
    for (const g of this.gateways.values()) {
      g.gateway.close();
      g.connection.release();
    }
  }

  /** Runs `start` unless the port is closed, and remembers it until it settles (close() waits for it). */
  private track<T>(start: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError());
    const work = start();
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  private assertOpen(): void {
    if (this.closed) throw this.closedError();
  }

  private closedError(): PhdmfError {
    return ledgerError(LedgerErrorCode.UNAVAILABLE, 'the Fabric ledger port is closed');
  }

  private gatewayFor(identity: SigningIdentity): OrgGateway {
    this.assertOpen();
    const gateway = this.gateways.get(identity.mspId);
    if (gateway === undefined) {
      throw ledgerError(LedgerErrorCode.INVALID_INPUT, `no client identity for MSP "${identity.mspId}" in ${this.profile.file} (it has ${this.mspIds.join(', ')})`);
    }
    return gateway;
  }

  private qscc(fn: string, ...args: string[]): Promise<Uint8Array> {
    return this.track(async () => {
      try {
        return await this.reader.network.getContract('qscc').evaluate(fn, { arguments: [this.profile.channel, ...args] });
      } catch (error) {
        throw this.mapError(error);
      }
    });
  }

  private async readBlock(blockNumber: number): Promise<DecodedBlock> {
    return decodeBlock(await this.qscc('GetBlockByNumber', String(blockNumber)));
  }

  private txIndexes(blockNumber: number): Promise<Map<string, number>> {
    let cached = this.txIndexCache.get(blockNumber);
    if (cached === undefined) {
      // Only the ids: this runs for every block the relay sees (decodeTxIndexes, not decodeBlock).
      cached = this.qscc('GetBlockByNumber', String(blockNumber)).then(decodeTxIndexes);
      cached.catch(() => this.txIndexCache.delete(blockNumber));
      this.txIndexCache.set(blockNumber, cached);
      if (this.txIndexCache.size > TX_INDEX_CACHE_BLOCKS) {
        const oldest = this.txIndexCache.keys().next().value;
        if (oldest !== undefined) this.txIndexCache.delete(oldest);
      }
    }
    return cached;
  }

  /** Maps a fabric-gateway or gRPC failure onto the port's codes. */
  private mapError(error: unknown, details: Record<string, unknown> = {}): Error {
    if (error instanceof PhdmfError) return error;
    if (this.closed) return this.closedError();
    if (error instanceof GatewayError) {
      const txId = (error as GatewayError & { transactionId?: string }).transactionId;
      const context = { ...details, ...(txId !== undefined ? { txId } : {}) };
      // The chaincode's `{"code","message"}` is in the details (one per endorsing peer), or in the message.
      for (const message of [...error.details.map((d) => d.message), error.message]) {
        if (parseChaincodeError(message) !== undefined) return chaincodeFailure(message, context);
      }
      // Two endorsers simulated against different committed states (one had not yet committed the block
      // that changed a key the transaction reads): the same conflict as an MVCC invalidation, and the same
      // cure, a fresh simulation (mvcc-retry.ts). Frequent where many transactions contend on one key
      // (budget reservations) and the owner's peer must endorse beside the gateway's.
      if (error instanceof EndorseError && error.details.some((d) => d.message === PAYLOAD_MISMATCH)) {
        return ledgerError(LedgerErrorCode.MVCC_CONFLICT, `the endorsing peers read different versions of the transaction's keys (${PAYLOAD_MISMATCH})`, context);
      }
      // The orderers did not confirm it, however often submitEndorsed handed it over: not ordered, or not yet.
      if (error.name === 'SubmitError') {
        return ledgerError(LedgerErrorCode.UNAVAILABLE, `the ordering service did not confirm the transaction (it may still be ordered): ${error.message}`, { ...context, grpcCode: error.code });
      }
      if (TRANSPORT_CODES.has(error.code)) {
        return ledgerError(LedgerErrorCode.UNAVAILABLE, `the Fabric peer did not answer: ${error.message}`, { ...context, grpcCode: error.code });
      }
      // Commit status failures are the network's, never the chaincode's.
      if (error instanceof CommitStatusError) {
        return ledgerError(LedgerErrorCode.UNAVAILABLE, `Fabric did not report the transaction's commit: ${error.message}`, { ...context, grpcCode: error.code });
      }
      // An endorsement or evaluation the chaincode (or a system chaincode such as qscc) failed without a code.
      if (error instanceof EndorseError || error.details.length > 0 || error.code === GRPC_UNKNOWN) {
        return chaincodeFailure(error.details[0]?.message ?? error.message, context);
      }
      return ledgerError(LedgerErrorCode.UNAVAILABLE, `Fabric refused the request: ${error.message}`, { ...context, grpcCode: error.code, details: error.details });
    }
    if (typeof (error as { code?: unknown } | undefined)?.code === 'number') {
      return ledgerError(LedgerErrorCode.UNAVAILABLE, `the Fabric peer did not answer: ${(error as Error).message}`, details);
    }
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** A submission the ordering service did not confirm: worth handing it the same envelope again. */
function notTakenByOrderers(error: unknown): boolean {
  return error instanceof GatewayError && error.name === 'SubmitError' && NOT_TAKEN_CODES.has(error.code);
}
