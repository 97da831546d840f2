import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../storage.settings';
import { LedgerIntents } from '../application/ledger-intents';
import { STORAGE_LOGGER } from '../storage.tokens';
import { LedgerIntentRepository } from './persistence/ledger-intent.repository';

/**
 * Datasets drained at once. More than one, so that a write whose answer is lost (the ledger
 * restarted after taking it) holds only its own dataset for LEDGER_COMMAND_TIMEOUT_MS, not every
 * owed write behind it; a few, so that a ledger coming back is not met with a site's whole backlog.
 * A dataset's own writes stay in order (LedgerIntents drains one dataset at a time).
 */
const DRAINS_AT_ONCE = 4;

/**
 * Drains the site's owed ledger writes from start to stop, in the background (a site must serve its
 * staff while the ledger is away). A round tries each dataset with owed writes, the longest waiting
 * first, DRAINS_AT_ONCE at a time, and starts no more once the ledger cannot take one: an outage is
 * the ledger's, not one dataset's, so a few probes per round are enough. While the ledger does not
 * answer the rounds back off exponentially with jitter (LEDGER_RETRY_MIN_MS up to
 * LEDGER_RETRY_MAX_MS); once it answers, the next round follows at once. With nothing owed the worker
 * looks again every LEDGER_RETRY_MAX_MS, which also picks up a write an upload could not complete itself.
 */
@Injectable()
export class LedgerIntentWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly intents: LedgerIntents,
    private readonly owed: LedgerIntentRepository,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /** One round; resolves 'waiting' if the ledger could not take a write, 'idle' if nothing was owed. Exposed for tests. */
  async round(retryInMs = this.settings.ledgerRetry.minMs): Promise<'settled' | 'waiting' | 'idle'> {
    const datasets = await this.owed.datasetsOwed();
    if (datasets.length === 0) return 'idle';
    // An object, not two `let`s: the lanes change them while this function awaits.
    const round = { next: 0, waiting: false };
    const lane = async (): Promise<void> => {
      while (!round.waiting && this.isRunning() && round.next < datasets.length) {
        const datasetId = datasets[round.next++] as string;
        if ((await this.intents.drain(datasetId, retryInMs)) === 'waiting') round.waiting = true;
      }
    };
    // Every lane finished before the round ends, also when one failed: no drain outlives its round.
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(DRAINS_AT_ONCE, datasets.length) }, lane));
    const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
    if (failed) throw failed.reason;
    return round.waiting ? 'waiting' : 'settled';
  }

  // A method rather than the flag inline: the flag changes while the loop awaits.
  private isRunning(): boolean {
    return this.running;
  }

  private async run(): Promise<void> {
    const { minMs, maxMs } = this.settings.ledgerRetry;
    let failures = 0;
    while (this.isRunning()) {
      // The delay of the next round if this one finds the ledger away: doubling, capped, then jittered
      // (half fixed, half random) so that sites coming back together do not retry in step.
      const backoff = Math.min(maxMs, minMs * 2 ** Math.min(failures, 30));
      const delay = backoff / 2 + Math.random() * (backoff / 2);
      let outcome: 'settled' | 'waiting' | 'idle';
      try {
        outcome = await this.round(delay);
      } catch (error) {
        // Its own database failed; the writes stay owed.
        this.log.error({ err: error }, 'owed ledger writes could not be read; retrying');
        outcome = 'waiting';
      }
      if (outcome === 'settled') {
        failures = 0;
        continue;
      }
      failures = outcome === 'waiting' ? failures + 1 : 0;
      if (!this.isRunning()) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, outcome === 'waiting' ? delay : maxMs);
      });
      this.wake = undefined;
    }
  }
}
