// "Verify on-chain" for an analysis, in the browser: the result hash is recomputed from the result
// as shown (the documented rule: hex SHA-256 of the canonical JSON — RFC 8785, the chaincode's own
// encoder — of the result without resultHash, txId and blockNumber) and compared with the hash in the
// transaction that recorded the analysis, read from the ledger.
import { canonicalJson } from '@phdmf/chaincode/canonical-json';
import { api, call } from '../../api/client';
import type { Analysis } from './analyses';

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface ResultVerification {
  /** Recomputed here from the shown result. */
  computed: string;
  /** As the ledger's transaction recorded it. */
  onChain: string | undefined;
  txId: string;
  blockNumber: number;
  validationCode: string;
  matches: boolean;
}

export async function resultHashOf(analysis: Analysis): Promise<string> {
  const { resultHash: _hash, txId: _tx, blockNumber: _block, ...result } = analysis;
  return sha256Hex(canonicalJson(result));
}

export async function verifyResult(analysis: Analysis): Promise<ResultVerification> {
  const [computed, tx] = await Promise.all([resultHashOf(analysis), call(api.GET('/api/v1/ledger/transactions/{txId}', { params: { path: { txId: analysis.txId } } }))]);
  let onChain: string | undefined;
  try {
    const request = JSON.parse(tx.args[0] ?? '{}') as { resultHash?: unknown };
    onChain = typeof request.resultHash === 'string' ? request.resultHash : undefined;
  } catch {
    onChain = undefined;
  }
  return { computed, onChain, txId: tx.txId, blockNumber: tx.blockNumber, validationCode: tx.validationCode, matches: onChain !== undefined && computed === onChain && tx.validationCode === 'VALID' };
}
