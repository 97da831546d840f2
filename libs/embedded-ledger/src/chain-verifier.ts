// Checks stored blocks from their bytes alone, never from anything cached. For each block:
// the bytes must be UTF-8 JSON in exactly canonical form (so no byte can change without changing
// a value), the header must link to the previous block's hash, the data hash must match the data,
// the metadata codes must match the codes inside the data, and the ledger key's signature over
// the header hash must verify. The first block failing any check is reported: since each check
// only involves the block itself and the hash of the block before it (already verified), altering
// any byte of block N makes block N, and not N+1, the first invalid block.
import { TextDecoder } from 'node:util';
import { canonicalJson } from '@phdmf/chaincode/canonical-json';
import { sha256 } from './block-codec';
import type { StoredBlockRow } from './block-store';
import type { LedgerSigner } from './signer';
import type { Block } from './types';

const decoder = new TextDecoder('utf-8', { fatal: true });

export type BlockCheck = { ok: true; hash: string } | { ok: false; reason: string };

export function verifyStoredBlock(row: StoredBlockRow, expectedNumber: number, previousHash: string, signer: LedgerSigner): BlockCheck {
  if (row.number !== expectedNumber) {
    return { ok: false, reason: `block ${expectedNumber} is missing` };
  }
  let text: string;
  try {
    text = decoder.decode(row.bytes);
  } catch {
    return { ok: false, reason: 'block bytes are not valid UTF-8' };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'block bytes are not valid JSON' };
  }
  try {
    if (canonicalJson(parsed) !== text) {
      return { ok: false, reason: 'block bytes are not in canonical form' };
    }
    return checkContent(parsed as Block, expectedNumber, previousHash, row.hash, signer);
  } catch (err) {
    return { ok: false, reason: `malformed block: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function checkContent(block: Block, expectedNumber: number, previousHash: string, storedHash: string, signer: LedgerSigner): BlockCheck {
  const { header, data, metadata } = block;
  if (typeof header !== 'object' || typeof data !== 'object' || typeof metadata !== 'object') {
    return { ok: false, reason: 'block lacks header, data or metadata' };
  }
  if (header.number !== expectedNumber) {
    return { ok: false, reason: `header number ${String(header.number)} where ${expectedNumber} was expected` };
  }
  if (header.previousHash !== previousHash) {
    return { ok: false, reason: 'previousHash does not match the hash of the previous block' };
  }
  if (header.dataHash !== sha256(canonicalJson(data)).toString('hex')) {
    return { ok: false, reason: 'dataHash does not match the block data' };
  }
  const hash = sha256(canonicalJson(header));
  const hashHex = hash.toString('hex');
  if (hashHex !== storedHash) {
    return { ok: false, reason: 'stored block hash does not match the header' };
  }
  if (!Array.isArray(data.transactions) || !Array.isArray(metadata.validationCodes)) {
    return { ok: false, reason: 'block lacks transactions or validation codes' };
  }
  const codes = data.transactions.map((tx) => tx.validationCode);
  if (codes.length !== metadata.validationCodes.length || codes.some((code, i) => code !== metadata.validationCodes[i])) {
    return { ok: false, reason: 'metadata validation codes differ from the transactions' };
  }
  if (expectedNumber === 0) {
    if (data.config?.publicKeyPem !== signer.publicKeyPem || data.transactions.length !== 0) {
      return { ok: false, reason: 'genesis block does not name this ledger key' };
    }
  } else if (data.config !== undefined) {
    return { ok: false, reason: 'only the genesis block may carry configuration' };
  }
  if (typeof metadata.signature !== 'string') {
    return { ok: false, reason: 'block has no signature' };
  }
  // Node's base64 decoder skips characters it does not know; insist on the exact encoding so a
  // changed padding character cannot go unnoticed.
  const signature = Buffer.from(metadata.signature, 'base64');
  if (signature.toString('base64') !== metadata.signature || !signer.verify(hash, signature)) {
    return { ok: false, reason: 'signature does not verify with the ledger key' };
  }
  return { ok: true, hash: hashHex };
}
