import { decideThrottle, type RecentFailures } from './login-throttle';

const limits = { freeFailuresPerAccount: 3, freeFailuresPerAccountAddress: 3, freeFailuresPerAddress: 5, windowMs: 600_000, baseDelayMs: 10_000, maxDelayMs: 600_000 };
const now = new Date('2026-11-24T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const none: RecentFailures = { account: [], accountAddress: [], address: [], knownAddress: false };

describe('decideThrottle', () => {
  it('allows while failures stay under every limit', () => {
    expect(decideThrottle({ ...none, account: [ago(1), ago(2)], accountAddress: [ago(1)], address: [ago(1)] }, limits, now)).toEqual({ allowed: true });
  });

  it('makes the next attempt wait once a limit is reached, the wait doubling with every further failure', () => {
    const at = (n: number) => Array.from({ length: n }, (_, i) => ago(1 + i));
    expect(decideThrottle({ ...none, account: at(3) }, limits, now)).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 9 });
    expect(decideThrottle({ ...none, account: at(4) }, limits, now)).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 19 });
    expect(decideThrottle({ ...none, account: at(5) }, limits, now)).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 39 });
    // Never longer than the window: no failure holds anyone back for good.
    expect(decideThrottle({ ...none, account: at(20) }, limits, now)).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 599 });
  });

  it('lets the attempt through once the wait after the newest failure has passed', () => {
    expect(decideThrottle({ ...none, account: [ago(11), ago(12), ago(13)] }, limits, now)).toEqual({ allowed: true });
    expect(decideThrottle({ ...none, account: [ago(601), ago(602), ago(603)] }, limits, now)).toEqual({ allowed: true });
  });

  it('does not hold the owner back at an address they logged in from, except for failures from there', () => {
    const elsewhere = { ...none, account: [ago(1), ago(2), ago(3), ago(4)], address: [1, 2, 3, 4, 5].map(ago), knownAddress: true };
    expect(decideThrottle(elsewhere, limits, now)).toEqual({ allowed: true });
    expect(decideThrottle({ ...elsewhere, accountAddress: [ago(1), ago(2), ago(3)] }, limits, now)).toMatchObject({ allowed: false, scope: 'account-address' });
  });

  it('holds back an address that failed too often across accounts, for accounts that never logged in from it', () => {
    const five = [1, 2, 3, 4, 5].map(ago);
    expect(decideThrottle({ ...none, address: five }, limits, now)).toMatchObject({ allowed: false, scope: 'address' });
  });
});
