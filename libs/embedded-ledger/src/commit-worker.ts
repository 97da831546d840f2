// The block committer's thread (driven by commit-pipeline.ts). While a ledger is open it holds
// the only writing connection to the ledger database and commits the blocks it is sent, in
// order, one SQLite transaction each, answering each with its number, hash and validation codes
// once COMMIT (and its fsync) has returned. After `close` the thread waits, idle, for the next
// ledger this process opens.
import { parentPort } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { BlockCommitter } from './block-committer';
import type { CommitterData, FromCommitter, ToCommitter } from './commit-pipeline';
import { openCommitterDatabase } from './database';
import { LedgerSigner } from './signer';

const port = parentPort;
if (port === null) {
  throw new Error('commit-worker runs as a worker thread of the embedded ledger');
}

let session: { db: Database.Database; committer: BlockCommitter } | undefined;

function send(message: FromCommitter): void {
  port?.postMessage(message);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function open(data: CommitterData): void {
  const db = openCommitterDatabase(data.databasePath);
  try {
    const committer = new BlockCommitter(db, LedgerSigner.fromPrivateKey(data.signingKey));
    const { height, currentHash } = committer.tip;
    // The ledger's thread read the same tip a moment ago and holds the directory lock: a
    // difference means another writer, and committing on top of it could fork the chain.
    if (height !== data.expectedTip.height || currentHash !== data.expectedTip.currentHash) {
      throw new Error(`the block committer found height ${height} where the ledger expected ${data.expectedTip.height}`);
    }
    session = { db, committer };
  } catch (err) {
    db.close();
    throw err;
  }
}

port.on('message', (message: ToCommitter) => {
  switch (message.kind) {
    case 'open':
      try {
        session?.db.close();
        session = undefined;
        open(message.data);
        send({ kind: 'ready' });
      } catch (err) {
        send({ kind: 'open-failed', message: messageOf(err) });
      }
      break;
    case 'commit':
      try {
        if (session === undefined) {
          throw new Error('no ledger is open in the block committer');
        }
        send({ kind: 'committed', block: session.committer.commit(message.transactions) });
      } catch (err) {
        // The block's SQLite transaction rolled back; the committer carries on with the next one.
        send({ kind: 'failed', message: messageOf(err) });
      }
      break;
    case 'close':
      try {
        session?.db.close();
      } finally {
        session = undefined;
        send({ kind: 'closed' });
      }
      break;
  }
});
