import { DpRefusalCode, planDpRelease, plannedFor } from './plan';

describe('planDpRelease', () => {
  it('maps statistics to noisy quantities per column, in a fixed order, with ρ split equally and adding up', () => {
    const plan = planDpRelease({ columns: ['sbp', 'age'], statistics: ['sd', 'count', 'mean'], rho: 0.3 });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.items.map((i) => `${i.column}.${i.quantity}`)).toEqual(['sbp.count', 'sbp.sum', 'sbp.sumSquares', 'age.count', 'age.sum', 'age.sumSquares']);
    for (const item of plan.items) expect(item.rho).toBeCloseTo(0.05, 15);
    expect(plan.items.reduce((a, i) => a + i.rho, 0)).toBeCloseTo(0.3, 14);
  });

  it.each([
    [['count'], ['count']],
    [['missing'], ['missing']],
    [['mean'], ['count', 'sum']],
    [['sum'], ['count', 'sum']],
    [['variance'], ['count', 'sum', 'sumSquares']],
    [['quantiles'], ['histogram']],
    [['count', 'missing', 'variance', 'quantiles'], ['count', 'missing', 'sum', 'sumSquares', 'histogram']],
  ] as const)('%p → %p', (statistics, quantities) => {
    const plan = planDpRelease({ columns: ['x'], statistics, rho: 1 });
    expect(plan.ok && plan.items.map((i) => i.quantity)).toEqual(quantities);
  });

  it('plans a histogram for the columns with a histogram request, quantiles’ for every column', () => {
    const histogram = planDpRelease({ columns: ['a', 'b'], statistics: ['histogram'], histograms: [{ column: 'b' }], rho: 1 });
    expect(histogram.ok && histogram.items).toEqual([{ column: 'b', quantity: 'histogram', rho: 1 }]);
    const both = planDpRelease({ columns: ['a', 'b'], statistics: ['histogram', 'quantiles'], histograms: [{ column: 'b' }], rho: 1 });
    expect(both.ok && both.items.map((i) => `${i.column}.${i.quantity}`)).toEqual(['a.histogram', 'b.histogram']);
  });

  it('refuses min and max with a code, naming them', () => {
    const plan = planDpRelease({ columns: ['x'], statistics: ['count', 'max', 'min'], rho: 1 });
    expect(plan).toEqual({ ok: false, refusal: expect.objectContaining({ code: DpRefusalCode.STATISTIC_UNAVAILABLE, statistics: ['max', 'min'] }) });
  });

  it('refuses a ρ that is not positive and a plan with nothing in it', () => {
    for (const rho of [0, -1, NaN, Infinity]) expect(planDpRelease({ columns: ['x'], statistics: ['count'], rho })).toMatchObject({ ok: false, refusal: { code: DpRefusalCode.INVALID_PLAN } });
    expect(planDpRelease({ columns: ['x'], statistics: ['histogram'], rho: 1 })).toMatchObject({ ok: false, refusal: { code: DpRefusalCode.INVALID_PLAN } });
  });

  it('is deterministic and ignores repeated columns and statistics', () => {
    const a = planDpRelease({ columns: ['x', 'y', 'x'], statistics: ['mean', 'count', 'mean'], rho: 0.1 });
    const b = planDpRelease({ columns: ['x', 'y'], statistics: ['count', 'mean'], rho: 0.1 });
    expect(a).toEqual(b);
  });

  it('gives a column’s part of the plan', () => {
    const plan = planDpRelease({ columns: ['x', 'y'], statistics: ['mean'], rho: 0.4 });
    expect(plan.ok && plannedFor(plan.items, 'y')).toEqual([
      { quantity: 'count', rho: 0.1 },
      { quantity: 'sum', rho: 0.1 },
    ]);
    expect(plan.ok && plannedFor(plan.items, 'z')).toEqual([]);
  });
});
