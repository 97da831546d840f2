// How a block becomes bytes. The stored bytes are the canonical JSON of the whole block; the
// block hash is SHA-256 over the canonical header (which carries the previous hash and the data
// hash, so it commits to the whole chain up to here), and the ledger key signs that hash.
// Validation codes sit in metadata as in Fabric, but each transaction in `data` carries its own
// code as well, so the codes are covered by the data hash; the verifier checks the two agree.
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { LedgerSigner } from './signer';
import type { BlockData, BlockHeader, ValidationCode } from './types';

export interface EncodedBlock {
  number: number;
  /** Hex SHA-256 of the canonical header. */
  hash: string;
  bytes: Buffer;
}

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
  const dataJson = canonicalJson(data);
  const header: BlockHeader = { number, previousHash, dataHash: sha256(dataJson).toString('hex') };
  const headerJson = canonicalJson(header);
  const hash = sha256(headerJson);
  const metadataJson = canonicalJson({ validationCodes, signature: signer.sign(hash).toString('base64') });
  // The same string canonicalJson would produce for the whole block (keys data < header <
  // metadata), without serialising the data a second time.
  const json = `{"data":${dataJson},"header":${headerJson},"metadata":${metadataJson}}`;
  return { number, hash: hash.toString('hex'), bytes: Buffer.from(json, 'utf8') };
}
