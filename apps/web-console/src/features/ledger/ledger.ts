// The ledger as the console reads it: the chain's head, blocks, transactions, and the browser's own
// check of a range of blocks (@phdmf/client's verifyBlocks: each hash recomputed from its header, each
// link to the block before).
import { verifyBlocks, type BlockVerification, type components } from '@phdmf/client';
import { api, call } from '../../api/client';

export type Block = components['schemas']['BlockResponse'];
export type Transaction = components['schemas']['TransactionResponse'];

export function chainInfo() {
  return call(api.GET('/api/v1/ledger/chain'));
}

export function block(number: number): Promise<Block> {
  return call(api.GET('/api/v1/ledger/blocks/{number}', { params: { path: { number } } }));
}

export function transaction(txId: string): Promise<Transaction> {
  return call(api.GET('/api/v1/ledger/transactions/{txId}', { params: { path: { txId } } }));
}

/** Blocks `from`…`to` (newest first), fetched a few at a time. */
export async function blocks(from: number, to: number, concurrency = 4): Promise<Block[]> {
  const numbers = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => to - i);
  const out: Block[] = [];
  for (let i = 0; i < numbers.length; i += concurrency) out.push(...(await Promise.all(numbers.slice(i, i + concurrency).map((n) => block(n)))));
  return out;
}

export interface ChainCheck {
  results: BlockVerification[];
  failed: BlockVerification[];
}

/** Verifies `from`…`to`, telling `progress` how many blocks were fetched so far. */
export async function verifyRange(from: number, to: number, progress: (done: number) => void): Promise<ChainCheck> {
  const fetched: Block[] = [];
  for (let n = from; n <= to; n += 8) {
    fetched.push(...(await blocks(n, Math.min(to, n + 7))));
    progress(fetched.length);
  }
  const results = await verifyBlocks(fetched);
  return { results, failed: results.filter((r) => !r.ok) };
}
