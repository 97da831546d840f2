// Live updates from the event feed (`GET /api/v1/events`, Server-Sent Events) instead of polling.
// @phdmf/client's feed reads it with fetch, not EventSource: the access token lives in memory and
// EventSource cannot send an Authorization header (the edge authenticates the feed by the bearer token
// only, and a token in the URL would land in logs). The console's fetch adds the current token to each
// (re)connection, so after a silent refresh the feed resumes with the new token from the last id seen
// (`Last-Event-ID`), missing and repeating nothing. The edge decides who receives which event.
import { reactive, watch } from 'vue';
import type { components } from '@phdmf/client';
import { phdmf } from '../../api/client';
import type { MessageKey } from '../../i18n';

type S = components['schemas'];
export type FeedEvent =
  | S['FeedEventAccessRequested']
  | S['FeedEventAccessGranted']
  | S['FeedEventAccessDenied']
  | S['FeedEventAccessRevoked']
  | S['FeedEventMemberAdmitted']
  | S['FeedEventMemberRejected']
  | S['FeedEventTamperDetected']
  | S['FeedEventAnalysisRecorded'];
export type LiveKind = FeedEvent['eventName'];

/** One event as a person reads it: a sentence from the catalogue and where to look. */
export interface Notice {
  id: string;
  kind: LiveKind;
  message: MessageKey;
  params: Record<string, string | number>;
  link: string;
}

/** What the feed brought: the latest notices (newest first) and a count per kind that pages watch to reload. */
export const live = reactive<{ notices: Notice[]; counts: Partial<Record<LiveKind, number>> }>({ notices: [], counts: {} });

const KEEP_NOTICES = 3;
/** A toast goes by itself after this long: what it says stays on its page (the lists have refreshed). */
const NOTICE_MS = 20_000;
let running: AbortController | undefined;
let lastEventId: string | undefined;

/** The sentence and the page of each event the console shows. */
export function noticeOf(event: FeedEvent, id: string): Notice {
  const base = { id, kind: event.eventName, params: { block: event.blockNumber } as Record<string, string | number> };
  switch (event.eventName) {
    case 'AccessRequested':
      return { ...base, message: 'live.requested', params: { ...base.params, dataset: event.record.datasetId, purpose: event.record.purpose }, link: '/applications' };
    case 'AccessGranted':
      return { ...base, message: 'live.granted', params: { ...base.params, dataset: event.record.datasetId }, link: '/applications' };
    case 'AccessDenied':
      return { ...base, message: 'live.denied', params: { ...base.params, dataset: event.record.datasetId }, link: '/applications' };
    case 'AccessRevoked':
      return { ...base, message: 'live.revoked', params: { ...base.params, dataset: event.record.datasetId }, link: '/applications' };
    case 'MemberAdmitted':
      return { ...base, message: 'live.admitted', params: { ...base.params, name: event.record.name }, link: '/membership' };
    case 'MemberRejected':
      return { ...base, message: 'live.rejected', params: { ...base.params, name: event.record.name }, link: '/membership' };
    case 'TamperDetected':
      return { ...base, message: 'live.tampered', params: { ...base.params, dataset: event.record.datasetId }, link: `/market/${event.record.datasetId}` };
    case 'AnalysisRecorded':
      return { ...base, message: 'live.analysed', params: { ...base.params, id: event.record.analysisId.slice(0, 12) }, link: `/analyses/${event.record.analysisId}` };
  }
}

const KINDS: ReadonlySet<string> = new Set<LiveKind>(['AccessRequested', 'AccessGranted', 'AccessDenied', 'AccessRevoked', 'MemberAdmitted', 'MemberRejected', 'TamperDetected', 'AnalysisRecorded']);

async function follow(signal: AbortSignal): Promise<void> {
  try {
    for await (const event of phdmf.events({ signal, ...(lastEventId !== undefined ? { lastEventId } : {}) })) {
      if (event.id !== undefined) lastEventId = event.id;
      // `session-expired` ends the stream; the client reconnects with the refreshed token by itself.
      if (!KINDS.has(event.type) || event.id === undefined) continue;
      const notice = noticeOf(event.data as FeedEvent, event.id);
      live.counts[notice.kind] = (live.counts[notice.kind] ?? 0) + 1;
      live.notices = [notice, ...live.notices].slice(0, KEEP_NOTICES);
      setTimeout(() => {
        dismiss(notice.id);
      }, NOTICE_MS);
    }
  } catch {
    // Refused (4xx: the session ended): the feed stops; a new sign-in starts it again.
  }
}

/** Follows the feed while a user is signed in (from the next event committed). */
export function startLive(): void {
  if (running) return;
  running = new AbortController();
  void follow(running.signal);
}

/** At sign-out: the feed ends and the notices go. */
export function stopLive(): void {
  running?.abort();
  running = undefined;
  lastEventId = undefined;
  live.notices = [];
  live.counts = {};
}

export function dismiss(id: string): void {
  live.notices = live.notices.filter((n) => n.id !== id);
}

/** Calls `reload` (in a page's setup) whenever the feed brings one of these kinds: the page's lists refresh without polling. */
export function onLive(kinds: LiveKind[], reload: () => unknown): void {
  // Made in setup, the watcher ends with the page.
  watch(
    () => kinds.reduce((sum, k) => sum + (live.counts[k] ?? 0), 0),
    () => {
      void reload();
    },
  );
}
