// Checking what the API shows against the chain, in the browser as in Node (Web Crypto, no Node
// built-ins). The canonical JSON is the chaincode's own file (`chaincode/src/canonical-json.ts`,
// which imports nothing), so the client hashes exactly as the services and the ledger do.
import { canonicalJson } from '@phdmf/chaincode/canonical-json';

/** Hex SHA-256 of bytes or of a string's UTF-8. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function fromHex(hex: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})*$/i.test(hex)) throw new TypeError(`not hex: ${hex.slice(0, 16)}…`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

// ---- an analysis' result hash ----

/** The fields of an analysis the result hash does not cover (it, and where it was recorded). */
const NOT_HASHED = ['resultHash', 'txId', 'blockNumber'] as const;

/** What an analysis answer must have for its hash to be checked. */
export interface HashedAnalysis {
  resultHash: string;
  txId: string;
  blockNumber: number;
}

/** The transaction an analysis was recorded in, as `GET /api/v1/ledger/transactions/{txId}` answers it. */
export interface RecordingTransaction {
  txId: string;
  blockNumber: number;
  validationCode: string;
  args: string[];
  event?: { name?: string; payload?: unknown };
}

/** The result hash of an analysis, recomputed from what is shown: SHA-256 of the canonical JSON of the result without resultHash, txId and blockNumber. */
export async function analysisResultHash(analysis: HashedAnalysis): Promise<string> {
  const shown: Record<string, unknown> = { ...(analysis as object) };
  for (const field of NOT_HASHED) Reflect.deleteProperty(shown, field);
  return sha256Hex(canonicalJson(shown));
}

/** What {@link verifyAnalysis} found. */
export interface AnalysisVerification {
  /** The shown result hashes to the hash the chain recorded, in a valid transaction. */
  ok: boolean;
  computedHash: string;
  shownHash: string;
  onChainHash: string | undefined;
  /** Each thing that did not hold, in a sentence. */
  problems: string[];
}

/** The result hash a recording transaction carries (its request's `resultHash`, or its event's). */
export function onChainResultHash(tx: RecordingTransaction): string | undefined {
  for (const candidate of [parsed(tx.args[0]), tx.event?.payload]) {
    const hash = (candidate as { resultHash?: unknown } | undefined)?.resultHash;
    if (typeof hash === 'string') return hash;
  }
  return undefined;
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Checks an analysis as shown against the transaction that recorded it: the shown result hashes to
 * its resultHash, which is the one on-chain, in that transaction, valid, in that block.
 */
export async function verifyAnalysis(analysis: HashedAnalysis, tx: RecordingTransaction): Promise<AnalysisVerification> {
  const computedHash = await analysisResultHash(analysis);
  const onChainHash = onChainResultHash(tx);
  const problems: string[] = [];
  if (computedHash !== analysis.resultHash) problems.push(`the shown result hashes to ${computedHash}, not to its resultHash ${analysis.resultHash}`);
  if (onChainHash === undefined) problems.push(`transaction ${tx.txId} carries no result hash`);
  else if (onChainHash !== computedHash) problems.push(`the chain recorded ${onChainHash}, the shown result hashes to ${computedHash}`);
  if (tx.txId !== analysis.txId) problems.push(`transaction ${tx.txId} is not the analysis' ${analysis.txId}`);
  if (tx.blockNumber !== analysis.blockNumber) problems.push(`the transaction is in block ${tx.blockNumber}, the analysis says ${analysis.blockNumber}`);
  if (tx.validationCode !== 'VALID') problems.push(`the transaction's validation code is ${tx.validationCode}`);
  return { ok: problems.length === 0, computedHash, shownHash: analysis.resultHash, onChainHash, problems };
}

// ---- blocks ----

/** A block's header as `GET /api/v1/ledger/blocks/{number}` answers it. */
export interface ShownBlock {
  number: number;
  hash: string;
  previousHash: string;
  dataHash: string;
}

/**
 * How a ledger hashes a block header. `embedded`: SHA-256 of the canonical JSON of
 * `{ number, previousHash, dataHash }` (libs/embedded-ledger). `fabric`: SHA-256 of the ASN.1 DER
 * sequence (number, previousHash, dataHash), as Fabric does.
 */
export type BlockHashRule = 'embedded' | 'fabric';

/** A block header's hash by the given rule. */
export async function blockHeaderHash(header: ShownBlock, rule: BlockHashRule): Promise<string> {
  if (rule === 'embedded') return sha256Hex(canonicalJson({ number: header.number, previousHash: header.previousHash, dataHash: header.dataHash }));
  return sha256Hex(derSequence([derInteger(header.number), derOctetString(fromHex(header.previousHash)), derOctetString(fromHex(header.dataHash))]));
}

/** What {@link verifyBlocks} found for one block. */
export interface BlockVerification {
  number: number;
  /** The rule its shown hash matched, or undefined when it matched none. */
  rule: BlockHashRule | undefined;
  /** Its previousHash is the shown hash of the block before it (undefined: that block was not given). */
  linked: boolean | undefined;
  ok: boolean;
  problems: string[];
}

/**
 * Checks each block's shown hash against its header, and each block's link to the one before it
 * (blocks in any order; a link is checked where both blocks are given). What this proves: the
 * headers form one chain ending where the newest given block is. What it cannot from the REST answer
 * alone: that the data hash covers the transactions listed (the answer lists a summary of each, not
 * the full transactions), nor the ledger's signatures; the ledger service's own chain check
 * (`verify-chain`, apps/ledger/README.md) does those.
 */
export async function verifyBlocks(blocks: readonly ShownBlock[]): Promise<BlockVerification[]> {
  const byNumber = new Map(blocks.map((b) => [b.number, b]));
  const out: BlockVerification[] = [];
  for (const block of [...blocks].sort((a, b) => a.number - b.number)) {
    const problems: string[] = [];
    let rule: BlockHashRule | undefined;
    for (const candidate of ['embedded', 'fabric'] as const) {
      if ((await blockHeaderHash(block, candidate).catch(() => undefined)) === block.hash) {
        rule = candidate;
        break;
      }
    }
    if (rule === undefined) problems.push(`block ${block.number}'s shown hash ${block.hash} is not the hash of its header`);
    const previous = block.number === 0 ? undefined : byNumber.get(block.number - 1);
    let linked: boolean | undefined;
    if (block.number === 0) {
      linked = block.previousHash === '';
      if (!linked) problems.push('the genesis block names a previous block');
    } else if (previous !== undefined) {
      linked = block.previousHash === previous.hash;
      if (!linked) problems.push(`block ${block.number}'s previousHash is not block ${previous.number}'s hash`);
    }
    out.push({ number: block.number, rule, linked, ok: problems.length === 0, problems });
  }
  return out;
}

// The DER Fabric hashes a header with: SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }.
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 | bytes.length, ...bytes];
}

function derTlv(tag: number, content: Uint8Array): Uint8Array {
  return Uint8Array.from([tag, ...derLength(content.length), ...content]);
}

function derInteger(value: number): Uint8Array {
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  if (bytes.length === 0 || (bytes[0] ?? 0) >= 0x80) bytes.unshift(0);
  return derTlv(0x02, Uint8Array.from(bytes));
}

function derOctetString(bytes: Uint8Array): Uint8Array {
  return derTlv(0x04, bytes);
}

function derSequence(parts: Uint8Array[]): Uint8Array {
  const content = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    content.set(part, at);
    at += part.length;
  }
  return derTlv(0x30, content);
}
