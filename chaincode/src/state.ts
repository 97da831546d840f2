// Thin helpers over the stub. Only the subset of the Fabric stub API that the embedded ledger also
// implements is used here (see README). Iterators are walked with next()/close(), not `for await`.
import type { Context } from 'fabric-contract-api';
import { peerOfOrganisationPolicy } from './key-policy';
import { toBytes, unmarshal } from './marshal';

/** Reads a key; undefined when absent (Fabric returns an empty value for a missing key). */
export async function readState(ctx: Context, key: string): Promise<unknown> {
  const bytes = (await ctx.stub.getState(key)) as Uint8Array | undefined | null;
  if (bytes === undefined || bytes === null || bytes.length === 0) return undefined;
  return unmarshal(bytes);
}

/** Writes a marshalled value. */
export async function writeState(ctx: Context, key: string, value: unknown): Promise<void> {
  await ctx.stub.putState(key, toBytes(value));
}

/**
 * Key-level (state-based) endorsement: from the next transaction on, a write of `key` is valid only when
 * a peer of `ownerMspId` endorsed it — Fabric's validator checks this key's policy instead of the
 * chaincode's, so no majority of the other members can change it without the owner's own peer re-running
 * the chaincode and agreeing. Set in the transaction that creates the key (which the chaincode-level
 * policy validates). The embedded ledger, with one endorser, records it and does not enforce it.
 */
export async function requireOwnerEndorsement(ctx: Context, key: string, ownerMspId: string): Promise<void> {
  await ctx.stub.setStateValidationParameter(key, peerOfOrganisationPolicy(ownerMspId));
}

/** Deletes a key (a no-op when absent). */
export async function deleteState(ctx: Context, key: string): Promise<void> {
  await ctx.stub.deleteState(key);
}

/** All values under a partial composite key, in key order. */
export async function readByPartialKey(ctx: Context, objectType: string, attributes: string[]): Promise<unknown[]> {
  const values: unknown[] = [];
  const it = await ctx.stub.getStateByPartialCompositeKey(objectType, attributes);
  try {
    let r = await it.next();
    while (!r.done) {
      values.push(unmarshal(r.value.value));
      r = await it.next();
    }
  } finally {
    await it.close();
  }
  return values;
}

/** One committed write of a key, as reported by getHistoryForKey. */
export interface HistoryItem {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: unknown;
}

function secondsOf(value: unknown): number {
  // Fabric's node shim yields plain numbers here; its typings say Long; other ledgers may use bigint.
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function') {
    return Number((value as { toNumber: () => unknown }).toNumber());
  }
  return Number.NaN;
}

function timestampToIso(timestamp: unknown): string {
  if (typeof timestamp !== 'object' || timestamp === null) return '';
  const ts = timestamp as { seconds?: unknown; nanos?: unknown };
  const seconds = secondsOf(ts.seconds);
  const nanos = typeof ts.nanos === 'number' ? ts.nanos : 0;
  const ms = seconds * 1000 + Math.floor(nanos / 1_000_000);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/**
 * Every committed write of a key, oldest first. Fabric (2.0 and later) returns history newest first,
 * so the list is reversed here; the embedded ledger follows Fabric's order.
 */
export async function readHistory(ctx: Context, key: string): Promise<HistoryItem[]> {
  const items: HistoryItem[] = [];
  const it = await ctx.stub.getHistoryForKey(key);
  try {
    let r = await it.next();
    while (!r.done) {
      const m = r.value;
      const hasValue = !m.isDelete && m.value.length > 0;
      items.push({
        txId: m.txId,
        timestamp: timestampToIso(m.timestamp),
        isDelete: m.isDelete,
        value: hasValue ? unmarshal(m.value) : undefined,
      });
      r = await it.next();
    }
  } finally {
    await it.close();
  }
  return items.reverse();
}

/** The transaction timestamp (the only clock chaincode may use), as ISO-8601 UTC. */
export function txTime(ctx: Context): string {
  return ctx.stub.getDateTimestamp().toISOString();
}

/** The transaction timestamp in epoch milliseconds. */
export function txTimeMs(ctx: Context): number {
  return ctx.stub.getDateTimestamp().getTime();
}

/** The MSP of the submitting client. */
export function callerMsp(ctx: Context): string {
  return ctx.clientIdentity.getMSPID();
}
