// The site's GLM model sessions (issue 16): opened once per model — grant check, re-hash and the
// release rules done then — and named by each IRLS step after. In memory: a session holds a
// compiled query and a few numbers, never records; a restart loses them and the coordinator opens
// new ones. Bounded in number, dropped after an idle time, so nobody can pile them up.
import { randomUUID } from 'node:crypto';
import { ModellingErrorCode, PhdmfError } from '@phdmf/contracts';
import type { DatasetSchema, GlmModel, SqlCondition } from '@phdmf/modelling';

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
  from: string;
  subset: SqlCondition | undefined;
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

  constructor(
    readonly max: number,
    readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a new session; MODEL.SESSIONS_FULL when `max` are open (after dropping the idle ones). */
  open(state: Omit<GlmSessionState, 'id' | 'steps' | 'lastUsed'>): GlmSessionState {
    this.sweep();
    if (this.sessions.size >= this.max) {
      throw new PhdmfError(ModellingErrorCode.SESSIONS_FULL, `this site holds ${this.max} open model sessions; retry when one ends`, { retryAfterSeconds: 1 });
    }
    const session: GlmSessionState = { ...state, id: randomUUID(), steps: 0, lastUsed: this.now() };
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
    this.sessions.delete(id);
    return session;
  }

  get size(): number {
    this.sweep();
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (now - s.lastUsed > this.idleMs) this.sessions.delete(id);
  }
}
