import { Metrics } from './metrics';

/** Where the chain is and where the relay is; the relay's lag follows from both. */
const chain = { height: -1, relayedBlock: -1, relayCaughtUp: false };

/**
 * One committed block: its commit time, its size, its transactions by validation code (MVCC and
 * phantom conflicts are what a hot key causes) and the chain's new height.
 */
export function observeBlockCommitted(seconds: number, codes: readonly string[], height: number): void {
  Metrics.ledgerCommitDuration.observe(seconds);
  Metrics.ledgerBlockSize.observe(codes.length);
  for (const code of codes) Metrics.ledgerTransactions.inc({ validation: validationLabel(code) });
  Metrics.ledgerHeight.set(height);
  chain.height = height;
  refreshRelayLag();
}

/** The relay published the events of blocks up to `blockNumber`. */
export function observeRelayed(blockNumber: number): void {
  chain.relayedBlock = Math.max(chain.relayedBlock, blockNumber);
  chain.relayCaughtUp = false;
  refreshRelayLag();
}

/**
 * The relay waits for the next committed event: everything committed so far is published, even
 * blocks that carried no event (the last relayed block number alone would count those as lag).
 */
export function observeRelayWaiting(waiting: boolean): void {
  chain.relayCaughtUp = waiting;
  refreshRelayLag();
}

function refreshRelayLag(): void {
  if (chain.height < 0) return; // a Fabric ledger: its height is the peer's, not known here
  Metrics.relayLag.set(chain.relayCaughtUp ? 0 : Math.max(0, chain.height - 1 - chain.relayedBlock));
}

function validationLabel(code: string): string {
  if (code === 'VALID') return 'valid';
  if (code === 'MVCC_READ_CONFLICT' || code === 'PHANTOM_READ_CONFLICT') return code.toLowerCase();
  return 'other';
}
