// Keyed commits: a retry of a write is recognised by the ledger itself. A write transaction may carry
// `idempotencyKey` (a SHA-256, 64 hex digits) in its request; the transaction that commits under that
// key also writes `keyed-commit[key]` → { txId, transaction, result } in the same read-write set, and
// any later transaction naming the key is refused before it writes anything (COMMIT.KEY_USED): on
// Fabric a refused proposal is never ordered, so a retry costs no transaction. The submitter then
// reads the first commit with `consortium:getKeyedCommit` and answers with it.
//
// Why a state key written in the same transaction (rather than an index of transaction ids kept off
// the chain): the record commits or is invalidated with the write it names, atomically, on every
// peer; two submissions racing with one key both read the key, so MVCC lets only one commit; and the
// answer (transaction id and result) is on the chain, so every ledger service instance finds it.
import { Context, Contract } from 'fabric-contract-api';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { key, ObjectType } from './keys';
import type { KeyedCommitRecord } from './records';
import { readState, writeState } from './state';

/** The request field every write transaction accepts (validation.ts lets it through `Fields.parse`). */
export const KEYED_FIELD = 'idempotencyKey';
const KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The key of the invocation being run, between beforeTransaction and afterTransaction. */
const keysOf = new WeakMap<Context, string>();

/** The key a request names, if any (a request that is not a JSON object is the function's own parse error). */
function keyOfRequest(ctx: Context): string | undefined {
  const [request] = ctx.stub.getFunctionAndParameters().params;
  let parsed: unknown;
  try {
    parsed = JSON.parse(request ?? '');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !(KEYED_FIELD in parsed)) return undefined;
  const value = (parsed as Record<string, unknown>)[KEYED_FIELD];
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
    throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"request.${KEYED_FIELD}" must be a SHA-256 digest (64 lowercase hexadecimal digits)`);
  }
  return value;
}

/** The function name without the `contract:` prefix a peer passes. */
function functionName(ctx: Context): string {
  const { fcn } = ctx.stub.getFunctionAndParameters();
  return fcn.slice(fcn.lastIndexOf(':') + 1);
}

/** The committed record of a key, or undefined. */
export async function findKeyedCommit(ctx: Context, commitKey: string): Promise<KeyedCommitRecord | undefined> {
  return (await readState(ctx, key(ctx, ObjectType.KeyedCommit, commitKey))) as KeyedCommitRecord | undefined;
}

/** The base of every PHDMF contract: the keyed-commit check before, and its record after, each transaction. */
export class KeyedContract extends Contract {
  override async beforeTransaction(ctx: Context): Promise<void> {
    const commitKey = keyOfRequest(ctx);
    if (commitKey === undefined) return;
    const first = await findKeyedCommit(ctx, commitKey);
    if (first !== undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.CommitKeyUsed, `the commit key was used by transaction "${first.txId}" (${first.transaction}); nothing is written again`);
    }
    keysOf.set(ctx, commitKey);
  }

  override async afterTransaction(ctx: Context, result: unknown): Promise<void> {
    const commitKey = keysOf.get(ctx);
    if (commitKey === undefined) return;
    keysOf.delete(ctx);
    const record: KeyedCommitRecord = {
      commitKey,
      txId: ctx.stub.getTxID(),
      transaction: `${this.getName()}:${functionName(ctx)}`,
      result: typeof result === 'string' ? result : '',
    };
    await writeState(ctx, key(ctx, ObjectType.KeyedCommit, commitKey), record);
  }
}
