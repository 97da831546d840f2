import { PhdmfError } from '@phdmf/contracts';
import { refuseBeyond, resumeAfter } from './last-event-id';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof PhdmfError ? error.code : 'not coded';
  }
  return 'accepted';
};

describe('Last-Event-ID: where a feed resumes', () => {
  it('takes a stream sequence from the header, else from the query; none is a fresh start', () => {
    expect(resumeAfter('42', undefined)).toBe(42);
    expect(resumeAfter(undefined, '7')).toBe(7);
    expect(resumeAfter('42', '7')).toBe(42); // a reconnecting EventSource keeps its first query
    expect(resumeAfter(undefined, undefined)).toBeUndefined();
    expect(resumeAfter('0', undefined)).toBe(0);
  });

  it.each(['', ' ', 'abc', '-1', '+1', '01', '1e3', '1.0', '0x10', '9007199254740993', '12345678901234567', '1,2'])('refuses %p with EVENTS.LAST_EVENT_ID_INVALID', (raw) => {
    expect(code(() => resumeAfter(raw, undefined))).toBe('EVENTS.LAST_EVENT_ID_INVALID');
  });

  it('refuses a repeated header (two ids) and an id beyond the stream’s last event', () => {
    expect(code(() => resumeAfter(['1', '2'], undefined))).toBe('EVENTS.LAST_EVENT_ID_INVALID');
    expect(code(() => { refuseBeyond(11, 10); })).toBe('EVENTS.LAST_EVENT_ID_INVALID');
    expect(code(() => { refuseBeyond(10, 10); })).toBe('accepted');
  });
});
