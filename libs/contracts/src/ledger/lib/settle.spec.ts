import { settle, SETTLE_POLL_MS } from './settle';

describe('settle (reading back a ledger command whose answer was lost)', () => {
  it('asks again until the read-back finds something, counting a failed read as nothing yet', async () => {
    let reads = 0;
    const found = await settle(() => {
      reads += 1;
      if (reads === 1) return Promise.reject(new Error('ledger frozen'));
      return Promise.resolve(reads < 3 ? undefined : 'committed');
    }, 5_000);
    expect(found).toBe('committed');
    expect(reads).toBe(3);
  });

  it('gives up after its window with nothing found', async () => {
    const started = Date.now();
    let reads = 0;
    const nothing = (): Promise<string | undefined> => {
      reads += 1;
      return Promise.resolve(undefined);
    };
    expect(await settle(nothing, 3 * SETTLE_POLL_MS)).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * SETTLE_POLL_MS - 10);
    expect(reads).toBeGreaterThanOrEqual(2);
  });
});
