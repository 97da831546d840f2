import { KeyedLock } from './keyed-lock';

describe('KeyedLock', () => {
  it('serializes work on one key, lets other keys run, and survives failures', async () => {
    const lock = new KeyedLock();
    const log: string[] = [];
    const step = (key: string, name: string, ms: number, fail = false) =>
      lock.run(key, async () => {
        log.push(`${name}:start`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`${name}:end`);
        if (fail) throw new Error(name);
      });
    await Promise.allSettled([step('a', 'a1', 20, true), step('a', 'a2', 5), step('b', 'b1', 1)]);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:end')).toBeLessThan(log.indexOf('a1:end'));
    await expect(lock.run('a', () => Promise.resolve(42))).resolves.toBe(42);
  });
});
