// "Verify on-chain" for an analysis (a summary or a model: the same rule), in the browser: @phdmf/client's verifyAnalysis recomputes the
// result hash from the result as shown (hex SHA-256 of the canonical JSON — RFC 8785, the chaincode's
// own encoder — of the result without resultHash, txId and blockNumber) and compares it with the hash
// in the transaction that recorded the analysis, read from the ledger here.
import { verifyAnalysis } from '@phdmf/client';
import { api, call } from '../../api/client';
import type { AnyAnalysis } from './analyses';

export interface ResultVerification {
  /** Recomputed here from the shown result. */
  computed: string;
  /** As the ledger's transaction recorded it. */
  onChain: string | undefined;
  txId: string;
  blockNumber: number;
  validationCode: string;
  matches: boolean;
  problems: string[];
}

export async function verifyResult(analysis: AnyAnalysis): Promise<ResultVerification> {
  const tx = await call(api.GET('/api/v1/ledger/transactions/{txId}', { params: { path: { txId: analysis.txId } } }));
  const check = await verifyAnalysis(analysis, tx);
  return { computed: check.computedHash, onChain: check.onChainHash, txId: tx.txId, blockNumber: tx.blockNumber, validationCode: tx.validationCode, matches: check.ok, problems: check.problems };
}
