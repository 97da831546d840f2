import { PhdmfError } from '@phdmf/contracts';
import { GlmSessions, type GlmSessionState } from './glm-sessions';

const binding = { analysisId: 'an-1', datasetId: 'ds-1', requester: 'r-1' };
const state = (): Omit<GlmSessionState, 'id' | 'steps' | 'lastUsed'> => ({
  ...binding,
  dataset: { id: 'ds-1', version: 1, sha256: 'a'.repeat(64) },
  grantRequestId: 'req-1',
  model: { family: 'gaussian', outcome: 'y', covariates: [], levels: {} },
  schema: { columns: ['y'], columnTypes: ['numeric'] },
  table: 'glm_t',
  from: '"glm_t"',
  parameters: ['(Intercept)'],
  n: 10,
  rowCount: 10,
  subsetCount: undefined,
  aicOffset: 0,
});
const code = (f: () => unknown) => {
  try {
    f();
    return 'none';
  } catch (e) {
    return (e as PhdmfError).code;
  }
};

describe('GlmSessions', () => {
  it('answers a step only for the analysis, dataset and requester the session was opened for', () => {
    const sessions = new GlmSessions(4, 1000);
    const s = sessions.open(sessions.reserve(), state());
    expect(sessions.use(s.id, binding)).toBe(s);
    expect(code(() => sessions.use(s.id, { ...binding, analysisId: 'an-2' }))).toBe('MODEL.SESSION_UNKNOWN');
    expect(code(() => sessions.use(s.id, { ...binding, datasetId: 'ds-2' }))).toBe('MODEL.SESSION_UNKNOWN');
    expect(code(() => sessions.use(s.id, { ...binding, requester: 'r-2' }))).toBe('MODEL.SESSION_UNKNOWN');
    expect(code(() => sessions.use('6f1c9a52-3d2b-4c8e-9f4a-1b2c3d4e5f60', binding))).toBe('MODEL.SESSION_UNKNOWN');
    sessions.close(s.id, binding);
    expect(code(() => sessions.use(s.id, binding))).toBe('MODEL.SESSION_UNKNOWN');
  });

  it('drops a session idle longer than its timeout, a step restarting the clock', () => {
    let now = 0;
    const ended: string[] = [];
    const sessions = new GlmSessions(4, 1000, (x) => ended.push(x.id), () => now);
    const s = sessions.open(sessions.reserve(), state());
    now = 900;
    sessions.use(s.id, binding);
    now = 1800;
    expect(sessions.use(s.id, binding)).toBe(s);
    now = 2801;
    expect(code(() => sessions.use(s.id, binding))).toBe('MODEL.SESSION_UNKNOWN');
    expect(sessions.size).toBe(0);
    // Its snapshot is freed once.
    expect(ended).toEqual([s.id]);
  });

  it('bounds the open sessions: past the bound MODEL.SESSIONS_FULL, until one closes or idles out', () => {
    let now = 0;
    const ended: string[] = [];
    const sessions = new GlmSessions(2, 1000, (x) => ended.push(x.id), () => now);
    const first = sessions.open(sessions.reserve(), state());
    // A place reserved while a session opens counts; given back, it is free again.
    sessions.reserve();
    expect(code(() => sessions.reserve())).toBe('MODEL.SESSIONS_FULL');
    sessions.release();
    sessions.open(sessions.reserve(), state());
    expect(code(() => sessions.open(sessions.reserve(), state()))).toBe('MODEL.SESSIONS_FULL');
    sessions.close(first.id, binding);
    expect(ended).toEqual([first.id]);
    const third = sessions.open(sessions.reserve(), state());
    now = 1001;
    expect(code(() => sessions.open(sessions.reserve(), state()))).toBe('none');
    expect(code(() => sessions.use(third.id, binding))).toBe('MODEL.SESSION_UNKNOWN');
  });
});
