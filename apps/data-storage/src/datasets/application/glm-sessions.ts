// The site's GLM model sessions (issue 16): opened once per model — grant check, re-hash and the
// release rules done then — and named by each IRLS step after. In memory: a session is a few numbers
// and the name of its snapshot of the model's columns over its records, a table in the site's own
// DuckDB (which never leaves the site; dropped when the session ends). A restart loses them and the
// coordinator opens new ones. Bounded in number, dropped after an idle time, so nobody can pile them up.
import { randomUUID } from 'node:crypto';
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import type { DatasetSchema, GlmModel } from '@phdmf/modelling';

/** What a session is bound to: a step must name the same analysis, dataset and requester. */
export interface SessionBinding {
  analysisId: string;
  datasetId: string;
  requester: string;
}

/** An open session: the model and the relation it reads, fixed at open. */
export interface GlmSessionState extends SessionBinding {
  id: string;
  dataset: { id: string; version: number; sha256: string };
  /** The grant checked at open: the session answers under it until it ends (see the README). */
  grantRequestId: string;
  model: GlmModel;
  schema: DatasetSchema;
  /** The engine table holding the session's records (the model's columns, within the subset), verified by the re-hash at open. */
  table: string;
  /** That table as SQL reads it. */
  from: string;
  parameters: string[];
  n: number;
  rowCount: number;
  subsetCount: number | undefined;
  /** Σ of the family's aicOffset over the design's records (computed once at open). */
  aicOffset: number;
  steps: number;
  lastUsed: number;
}

export class GlmSessions {
  private readonly sessions = new Map<string, GlmSessionState>();

  /** Places reserved by {@link reserve} and not yet opened or released: they count against `max`. */
  private reserved = 0;

  /**
   * @param onEnd called once for each session that ends (closed or idle): frees what it holds.
   */
  constructor(
    readonly max: number,
    readonly idleMs: number,
    private readonly onEnd: (session: GlmSessionState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A place for a session about to open (before its records are read): MODEL.SESSIONS_FULL when
   * `max` are open or reserved (after dropping the idle ones). The id names its snapshot table.
   * Either {@link open} or {@link release} it.
   */
  reserve(): string {
    this.sweep();
    if (this.sessions.size + this.reserved >= this.max) {
      throw new PhdmfError(ModellingErrorCode.SESSIONS_FULL, `this site holds ${this.max} open model sessions; retry when one ends`, { retryAfterSeconds: 1 });
    }
    this.reserved++;
    return randomUUID();
  }

  /** Gives a reservation back (the session did not open). */
  release(): void {
    this.reserved = Math.max(0, this.reserved - 1);
  }

  /** Opens the session a reservation was for. */
  open(id: string, state: Omit<GlmSessionState, 'id' | 'steps' | 'lastUsed'>): GlmSessionState {
    this.release();
    const session: GlmSessionState = { ...state, id, steps: 0, lastUsed: this.now() };
    this.sessions.set(session.id, session);
    return session;
  }

  /**
   * The session a step names, its idle clock restarted; MODEL.SESSION_UNKNOWN when there is none —
   * never opened, closed, idle too long, or bound to another analysis, dataset or requester (the
   * same answer for all, so a session id tells nobody else anything).
   */
  use(id: string, binding: SessionBinding): GlmSessionState {
    this.sweep();
    const session = this.sessions.get(id);
    if (session === undefined || session.analysisId !== binding.analysisId || session.datasetId !== binding.datasetId || session.requester !== binding.requester) {
      throw new PhdmfError(ModellingErrorCode.SESSION_UNKNOWN, 'this site holds no such model session (closed, expired or never opened): open a new one', { sessionId: id });
    }
    session.lastUsed = this.now();
    return session;
  }

  /** Ends a session (MODEL.SESSION_UNKNOWN as {@link use}). */
  close(id: string, binding: SessionBinding): GlmSessionState {
    const session = this.use(id, binding);
    this.end(session);
    return session;
  }

  get size(): number {
    this.sweep();
    return this.sessions.size;
  }

  /** Ends the sessions idle longer than the timeout (also done on every call, and by the module's timer). */
  sweep(): void {
    const now = this.now();
    for (const s of [...this.sessions.values()]) if (now - s.lastUsed > this.idleMs) this.end(s);
  }

  private end(session: GlmSessionState): void {
    this.sessions.delete(session.id);
    this.onEnd(session);
  }
}
