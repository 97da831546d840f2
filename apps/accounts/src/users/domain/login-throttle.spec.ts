import { decideThrottle } from './login-throttle';

const limits = { maxFailuresPerAccount: 3, maxFailuresPerAddress: 5, windowMs: 60_000 };
const now = new Date('2026-11-24T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

describe('decideThrottle', () => {
  it('allows while failures stay under both limits', () => {
    expect(decideThrottle({ account: [ago(1), ago(2)], address: [ago(1)] }, limits, now)).toEqual({ allowed: true });
  });

  it('refuses the account at its limit, until its oldest counted failure leaves the window', () => {
    expect(decideThrottle({ account: [ago(1), ago(2), ago(10)], address: [] }, limits, now)).toEqual({ allowed: false, scope: 'account', retryAfterSeconds: 50 });
  });

  it('lifts the lock once the window has passed', () => {
    expect(decideThrottle({ account: [ago(61), ago(62), ago(63)], address: [] }, limits, now)).toEqual({ allowed: true });
  });

  it('refuses an address that failed too often across accounts', () => {
    const five = [1, 2, 3, 4, 5].map(ago);
    expect(decideThrottle({ account: [], address: five }, limits, now)).toMatchObject({ allowed: false, scope: 'address' });
  });
});
