// How a block becomes bytes. The stored bytes are the canonical JSON of the whole block; the
// block hash is SHA-256 over the canonical header (which carries the previous hash and the data
// hash, so it commits to the whole chain up to here), and the ledger key signs that hash.
// Validation codes sit in metadata as in Fabric, but each transaction in `data` carries its own
// code as well, so the codes are covered by the data hash; the verifier checks the two agree.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@phdmf/chaincode/canonical-json';
import type { LedgerSigner } from './signer';
import type { BlockData, BlockHeader, KeyRead, KeyVersion, KeyWrite, ReadSet, TransactionRecord, ValidationCode } from './types';

export interface EncodedBlock {
  number: number;
  /** Hex SHA-256 of the canonical header. */
  hash: string;
  bytes: Buffer;
}

const BLOCK_START = Buffer.from('{"data":', 'utf8');

export function sha256(data: string | Uint8Array): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Hex SHA-256 over a header's canonical JSON: the block hash. */
export function blockHash(header: BlockHeader): string {
  return sha256(canonicalJson(header)).toString('hex');
}

export function encodeBlock(
  number: number,
  previousHash: string,
  data: BlockData,
  validationCodes: ValidationCode[],
  signer: LedgerSigner,
): EncodedBlock {
  // The data is most of the block: it is serialised and UTF-8 encoded once, and those bytes are
  // both hashed and copied into the block.
  const dataBytes = Buffer.from(blockDataJson(data), 'utf8');
  const header: BlockHeader = { number, previousHash, dataHash: sha256(dataBytes).toString('hex') };
  const headerJson = canonicalJson(header);
  const hash = sha256(headerJson);
  const metadataJson = canonicalJson({ validationCodes, signature: signer.sign(hash).toString('base64') });
  // The same bytes as canonicalJson of the whole block (keys data < header < metadata).
  const bytes = Buffer.concat([BLOCK_START, dataBytes, Buffer.from(`,"header":${headerJson},"metadata":${metadataJson}}`, 'utf8')]);
  return { number, hash: hash.toString('hex'), bytes };
}

/**
 * canonicalJson(data), the same string, written faster: a block's transactions are most of what
 * the committer serialises, and their shape is known, so their keys are written in canonical
 * (sorted) order directly instead of being listed and sorted object by object. Anything else (the
 * genesis configuration, a record with a field this code does not know) takes canonicalJson.
 * block-codec.spec.ts checks that both agree.
 */
export function blockDataJson(data: BlockData): string {
  if (Object.keys(data).length !== 1) {
    return canonicalJson(data);
  }
  let out = '{"transactions":[';
  data.transactions.forEach((tx, i) => {
    out += (i === 0 ? '' : ',') + transactionJson(tx);
  });
  return out + ']}';
}

const TRANSACTION_FIELDS = 11;

function transactionJson(tx: TransactionRecord): string {
  if (Object.keys(tx).length !== TRANSACTION_FIELDS) {
    return canonicalJson(tx);
  }
  const { creator, event, timestamp } = tx;
  const eventJson = event === null ? 'null' : `{"name":${str(event.name)},"payload":${str(event.payload)}}`;
  return (
    `{"args":${strings(tx.args)},"contract":${str(tx.contract)},"creator":{"id":${str(creator.id)},"mspId":${str(creator.mspId)}},` +
    `"event":${eventJson},"function":${str(tx.function)},"readSet":${readSetJson(tx.readSet)},"response":${str(tx.response)},` +
    `"timestamp":{"nanos":${num(timestamp.nanos)},"seconds":${num(timestamp.seconds)}},"txId":${str(tx.txId)},` +
    `"validationCode":${str(tx.validationCode)},"writeSet":${writeSetJson(tx.writeSet)}}`
  );
}

function readSetJson(readSet: ReadSet): string {
  let out = '{"rangeQueries":';
  if (readSet.rangeQueries.length === 0) {
    out += '[]';
  } else {
    // Rare (range and partial-key queries); not worth a fast path.
    out += canonicalJson(readSet.rangeQueries);
  }
  out += ',"reads":[';
  readSet.reads.forEach((read: KeyRead, i) => {
    out += `${i === 0 ? '' : ','}{"key":${str(read.key)},"version":${versionJson(read.version)}}`;
  });
  return out + ']}';
}

function versionJson(version: KeyVersion | null): string {
  return version === null ? 'null' : `{"blockNumber":${num(version.blockNumber)},"txIndex":${num(version.txIndex)}}`;
}

function writeSetJson(writes: KeyWrite[]): string {
  let out = '[';
  writes.forEach((w, i) => {
    out += `${i === 0 ? '' : ','}{"isDelete":${w.isDelete ? 'true' : 'false'},"key":${str(w.key)},"value":${w.value === null ? 'null' : str(w.value)}}`;
  });
  return out + ']';
}

function strings(values: string[]): string {
  let out = '[';
  values.forEach((v, i) => {
    out += (i === 0 ? '' : ',') + str(v);
  });
  return out + ']';
}

// The leaves go through canonicalJson's own rules (and its refusals: a non-string here, a
// non-finite number) via the same JSON.stringify it uses.
function str(value: string): string {
  if (typeof value !== 'string') {
    return canonicalJson(value);
  }
  return JSON.stringify(value);
}

function num(value: number): string {
  return canonicalJson(value);
}
