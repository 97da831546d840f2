// Fabric's MVCC validation ("validate" of execute-order-validate), run by the committer for each
// transaction in block order, inside the block's SQLite transaction. Earlier valid transactions
// of the same block have already been applied to world state at that point, so a transaction that
// read a key an earlier one wrote is invalidated exactly as on a peer.
import type { ReadSet, ValidationCode } from './types';
import type { WorldState } from './world-state';

export function validateReadSet(readSet: ReadSet, state: WorldState): ValidationCode {
  for (const read of readSet.reads) {
    const current = state.version(read.key);
    if (!sameVersion(current, read.version)) {
      return 'MVCC_READ_CONFLICT';
    }
  }
  for (const query of readSet.rangeQueries) {
    // Re-run the range. If the chaincode stopped early, only the part it saw must be unchanged:
    // up to and including the last key it read (nothing, if it read nothing).
    let current;
    if (query.itrExhausted) {
      current = state.rangeVersions(query.startKey, query.endKey);
    } else {
      const last = query.results[query.results.length - 1];
      if (last === undefined) {
        continue;
      }
      current = state.rangeVersions(query.startKey, query.endKey, last.key);
    }
    if (current.length !== query.results.length) {
      return 'PHANTOM_READ_CONFLICT';
    }
    for (let i = 0; i < current.length; i++) {
      const now = current[i];
      const then = query.results[i];
      if (now === undefined || then === undefined || now.key !== then.key || !sameVersion(now.version, then.version)) {
        return 'PHANTOM_READ_CONFLICT';
      }
    }
  }
  return 'VALID';
}

function sameVersion(a: { blockNumber: number; txIndex: number } | null, b: { blockNumber: number; txIndex: number } | null): boolean {
  if (a === null || b === null) {
    return a === b;
  }
  return a.blockNumber === b.blockNumber && a.txIndex === b.txIndex;
}
