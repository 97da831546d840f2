import { EventFeedErrorCode, PhdmfError } from '@phdmf/contracts';

/** A stream sequence: a decimal integer, no sign, no leading zeros (but `0`), within JavaScript's exact integers. */
const SEQUENCE = /^(?:0|[1-9][0-9]{0,15})$/;

/**
 * Where a client resumes: after the `Last-Event-ID` header's sequence (what EventSource sends on a
 * reconnect), else after `?lastEventId=` (for clients that cannot set headers); `undefined` when
 * neither is given (the stream starts with the next event committed). The header wins: a browser
 * reconnecting keeps the query of its first connection but sends its latest id in the header.
 */
export function resumeAfter(header: string | string[] | undefined, query: string | undefined): number | undefined {
  const raw = Array.isArray(header) ? header.join(',') : (header ?? query);
  if (raw === undefined) return undefined;
  const trimmed = raw.trim();
  if (!SEQUENCE.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) {
    throw new PhdmfError(EventFeedErrorCode.LAST_EVENT_ID_INVALID, 'Last-Event-ID must be the id of an event this feed sent: a decimal stream sequence', { lastEventId: raw.slice(0, 40) });
  }
  return Number(trimmed);
}

/** An id beyond the stream's last event was never sent by this feed (or the stream was recreated): refused rather than waited on. */
export function refuseBeyond(after: number, lastSequence: number): void {
  if (after > lastSequence) {
    throw new PhdmfError(EventFeedErrorCode.LAST_EVENT_ID_INVALID, `Last-Event-ID ${after} is beyond the stream's last event (${lastSequence}); reconnect without it to follow new events`, { lastEventId: String(after), lastSequence });
  }
}
