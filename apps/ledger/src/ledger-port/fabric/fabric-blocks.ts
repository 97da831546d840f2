// Decoding of Fabric blocks (as qscc returns them) into the port's neutral shapes, and the block hash
// Fabric chains its blocks with: SHA-256 over the ASN.1 DER encoding of (number, previous_hash,
// data_hash) — protoutil.BlockHeaderBytes — and the data hash, SHA-256 over the concatenated
// envelopes (protoutil.ComputeBlockDataHash).
import { createHash } from 'node:crypto';
import type { LedgerBlock, LedgerBlockTransaction, LedgerTransaction } from '@phdmf/contracts';
import { common, msp, peer } from '@hyperledger/fabric-protos';

const VALIDATION_CODE_NAMES = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, code]) => [code, name]));

/** The name of a Fabric TxValidationCode (e.g. 11 → MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `CODE_${code}`;
}

/** A block transaction with everything getTransaction needs, plus its endorsers' MSPs. */
export interface DecodedTransaction extends LedgerTransaction {
  endorserMspIds: string[];
}

export interface DecodedBlock {
  header: { number: number; previousHash: Uint8Array; dataHash: Uint8Array };
  /** The block's envelopes, for the data hash check. */
  data: Uint8Array[];
  transactions: DecodedTransaction[];
}

export function decodeBlock(bytes: Uint8Array): DecodedBlock {
  const block = common.Block.deserializeBinary(bytes);
  const header = block.getHeader();
  if (header === undefined) throw new Error('block without header');
  const number = header.getNumber();
  const data = block.getData()?.getDataList_asU8() ?? [];
  const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  const transactions = data.map((envelope, txIndex) => decodeTransaction(envelope, number, txIndex, filter[txIndex]));
  return { header: { number, previousHash: header.getPreviousHash_asU8(), dataHash: header.getDataHash_asU8() }, data, transactions };
}

/**
 * Only the transaction ids of a block, by position (txId → txIndex; a repeated id keeps its first
 * position, the one Fabric validated). The chain event relay needs nothing else of a block to place
 * its events, and it asks for every block: this reads each envelope's channel header and nothing of
 * the transaction (actions, endorsements, read-write sets, responses, events), which decodeBlock
 * decodes for every one of them.
 */
export function decodeTxIndexes(bytes: Uint8Array): Map<string, number> {
  const envelopes = common.Block.deserializeBinary(bytes).getData()?.getDataList_asU8() ?? [];
  const indexes = new Map<string, number>();
  envelopes.forEach((envelope, txIndex) => {
    const header = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelope).getPayload_asU8()).getHeader();
    const txId = common.ChannelHeader.deserializeBinary(header?.getChannelHeader_asU8() ?? new Uint8Array()).getTxId();
    if (!indexes.has(txId)) indexes.set(txId, txIndex);
  });
  return indexes;
}

function decodeTransaction(envelopeBytes: Uint8Array, blockNumber: number, txIndex: number, validation: number | undefined): DecodedTransaction {
  const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(envelopeBytes).getPayload_asU8());
  const payloadHeader = payload.getHeader();
  const channelHeader = common.ChannelHeader.deserializeBinary(payloadHeader?.getChannelHeader_asU8() ?? new Uint8Array());
  const signatureHeader = common.SignatureHeader.deserializeBinary(payloadHeader?.getSignatureHeader_asU8() ?? new Uint8Array());
  // google.protobuf.Timestamp (its typings come from google-protobuf, which has no types installed here).
  const ts = channelHeader.getTimestamp() as unknown as { getSeconds(): number; getNanos(): number } | undefined;
  const millis = ts === undefined ? 0 : ts.getSeconds() * 1000 + Math.floor(ts.getNanos() / 1_000_000);
  const tx: DecodedTransaction = {
    txId: channelHeader.getTxId(),
    txIndex,
    blockNumber,
    contract: '',
    function: '',
    creatorMspId: mspOf(signatureHeader.getCreator_asU8()),
    timestamp: new Date(millis).toISOString(),
    // A config block's transaction carries no filter entry: it is valid by construction.
    validationCode: validationCodeName(validation ?? peer.TxValidationCode.VALID),
    args: [],
    response: '',
    endorserMspIds: [],
  };
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) {
    tx.function = channelHeader.getType() === common.HeaderType.CONFIG ? 'CONFIG' : `HEADER_TYPE_${channelHeader.getType()}`;
    return tx;
  }
  const action = peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()[0];
  if (action === undefined) return tx;
  const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
  const proposal = peer.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8());
  const args = peer.ChaincodeInvocationSpec.deserializeBinary(proposal.getInput_asU8()).getChaincodeSpec()?.getInput()?.getArgsList_asU8() ?? [];
  const [name = '', ...rest] = args.map((a) => Buffer.from(a).toString('utf8'));
  const colon = name.indexOf(':');
  tx.contract = colon < 0 ? '' : name.slice(0, colon);
  tx.function = colon < 0 ? name : name.slice(colon + 1);
  tx.args = rest;
  const endorsed = actionPayload.getAction();
  if (endorsed !== undefined) {
    tx.endorserMspIds = endorsed.getEndorsementsList().map((e) => mspOf(e.getEndorser_asU8()));
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    tx.response = Buffer.from(chaincodeAction.getResponse()?.getPayload_asU8() ?? new Uint8Array()).toString('utf8');
    const eventBytes = chaincodeAction.getEvents_asU8();
    if (eventBytes.length > 0) {
      const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      if (event.getEventName() !== '') {
        tx.eventName = event.getEventName();
        tx.event = { name: event.getEventName(), payload: jsonOrText(Buffer.from(event.getPayload_asU8()).toString('utf8')) };
      }
    }
  }
  return tx;
}

function mspOf(serializedIdentity: Uint8Array): string {
  if (serializedIdentity.length === 0) return '';
  return msp.SerializedIdentity.deserializeBinary(serializedIdentity).getMspid();
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The port's view of a decoded block (hash computed from the header). */
export function toLedgerBlock(block: DecodedBlock): LedgerBlock {
  return {
    number: block.header.number,
    hash: hex(blockHeaderHash(block.header)),
    previousHash: hex(block.header.previousHash),
    dataHash: hex(block.header.dataHash),
    transactions: block.transactions.map(toBlockTransaction),
  };
}

function toBlockTransaction(tx: DecodedTransaction): LedgerBlockTransaction {
  const { txId, txIndex, contract, function: fn, creatorMspId, timestamp, validationCode, eventName } = tx;
  return { txId, txIndex, contract, function: fn, creatorMspId, timestamp, validationCode, ...(eventName !== undefined ? { eventName } : {}) };
}

/** The port's view of one transaction of a decoded block. */
export function toLedgerTransaction(tx: DecodedTransaction): LedgerTransaction {
  const { endorserMspIds: _endorsers, ...rest } = tx;
  return rest;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** SHA-256 of the DER encoding of the header, as Fabric computes a block's hash. */
export function blockHeaderHash(header: DecodedBlock['header']): Uint8Array {
  const der = derSequence([derInteger(header.number), derOctetString(header.previousHash), derOctetString(header.dataHash)]);
  return createHash('sha256').update(der).digest();
}

/** SHA-256 of the concatenated envelopes, as Fabric computes a block's data hash. */
export function blockDataHash(data: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const envelope of data) hash.update(envelope);
  return hash.digest();
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(content.length), content]);
}

function derInteger(value: number): Buffer {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return derTlv(0x02, Buffer.from(bytes));
}

function derOctetString(value: Uint8Array): Buffer {
  return derTlv(0x04, value);
}

function derSequence(items: Buffer[]): Buffer {
  return derTlv(0x30, Buffer.concat(items));
}
