import { EVENT_SUBJECTS_WILDCARD } from '@phdmf/contracts';
import { type JetStreamManager, RetentionPolicy, StorageType, DiscardPolicy, nanos } from 'nats';

/** The one durable stream that carries every integration event. */
export const EVENT_STREAM = {
  name: 'PHDMF_EVENTS',
  subjects: [EVENT_SUBJECTS_WILDCARD],
  /**
   * JetStream drops a publish whose Nats-Msg-Id it saw within this window. An outbox relay that
   * crashed after publishing and before marking the row re-publishes within it; beyond it, the
   * consumers' idempotency records still make the duplicate harmless.
   */
  duplicateWindowMs: 60 * 60 * 1000,
} as const;

/** Creates the event stream, or brings an existing one to the expected settings; safe to repeat. */
export async function ensureEventStream(jsm: JetStreamManager): Promise<void> {
  const config = {
    name: EVENT_STREAM.name,
    subjects: [...EVENT_STREAM.subjects],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(EVENT_STREAM.duplicateWindowMs),
  };
  try {
    const info = await jsm.streams.info(EVENT_STREAM.name);
    if (info.config.duplicate_window !== config.duplicate_window || info.config.subjects.join() !== config.subjects.join()) {
      await jsm.streams.update(EVENT_STREAM.name, { subjects: config.subjects, duplicate_window: config.duplicate_window });
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
    } catch (addError) {
      // Two services starting at once may both try to create it; the loser finds it there.
      if (!String(addError).includes('already in use')) throw addError;
    }
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /stream not found/i.test(error.message);
}
