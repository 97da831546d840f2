import { SlidingWindowThrottlerStorage } from './throttler-storage';

describe('SlidingWindowThrottlerStorage', () => {
  const minute = 60_000;

  it('allows up to the limit within a window, then blocks for the block duration without counting refusals', () => {
    const s = new SlidingWindowThrottlerStorage();
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) expect(s.hit('a', minute, 5, minute, t0 + i).isBlocked).toBe(false);
    const refused = s.hit('a', minute, 5, minute, t0 + 10);
    expect(refused).toMatchObject({ isBlocked: true, timeToBlockExpire: 60 });
    for (let i = 0; i < 100; i++) s.hit('a', minute, 5, minute, t0 + 20 + i);
    // Other clients are not affected.
    expect(s.hit('b', minute, 5, minute, t0 + 30).isBlocked).toBe(false);
    // When the block ends, the previous window's hits still weigh in (the sliding estimate) and fade.
    expect(s.hit('a', minute, 5, minute, t0 + 10 + minute).isBlocked).toBe(true);
    expect(s.hit('a', minute, 5, minute, t0 + 20 + 2 * minute).isBlocked).toBe(false);
  });

  it('slides: hits of the previous window count in proportion to their overlap', () => {
    const s = new SlidingWindowThrottlerStorage();
    const t0 = 0;
    for (let i = 0; i < 10; i++) s.hit('a', minute, 10, 1, t0 + i);
    // Half-way through the next window, half of the previous 10 still count: 5 more fit, not 10.
    let allowed = 0;
    for (let i = 0; i < 10; i++) if (!s.hit('a', minute, 10, 1, minute + minute / 2 + i * 0.001).isBlocked) allowed += 1;
    expect(allowed).toBe(5);
  });

  it('forgets idle clients', () => {
    const s = new SlidingWindowThrottlerStorage();
    s.hit('a', minute, 5, minute, 0);
    s.sweep(3 * minute);
    expect(s.size()).toBe(0);
  });
});
