import { applyDisclosure, DEFAULT_DISCLOSURE_POLICY, DisclosureCode, type RawColumnStats } from './disclosure-policy';

const raw: RawColumnStats = {
  name: 'age',
  type: 'numeric',
  count: 10,
  missing: 2,
  sum: 400,
  mean: 40,
  variance: 25,
  min: 20,
  max: 60,
  quantiles: [
    { p: 0.01, value: 20.5 },
    { p: 0.5, value: 41 },
  ],
  histogram: { edges: [0, 30, 50, 100], counts: [2, 5, 3], below: 0, above: 0 },
};
const half = () => 0.5;

describe('applyDisclosure (DataSHIELD defaults)', () => {
  it('suppresses a whole column with fewer records than the threshold, missing count included', () => {
    const out = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, { ...raw, count: 2 }, ['count', 'missing', 'mean'], half);
    expect(out).toEqual({ name: 'age', type: 'numeric', suppressed: { code: DisclosureCode.BELOW_THRESHOLD, reason: expect.any(String) } });
  });

  it('releases only what was asked, with m2 for exact pooling', () => {
    const out = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, raw, ['count', 'mean', 'variance'], half);
    expect(out).toEqual({ name: 'age', type: 'numeric', count: 10, mean: 40, variance: 25, m2: 225 });
  });

  it('perturbs min and max outwards unless the policy allows exact values', () => {
    const out = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, raw, ['min', 'max'], half);
    expect(out.min).toBeLessThan(20);
    expect(out.max).toBeGreaterThan(60);
    expect(out.minMaxExact).toBe(false);
    const exact = applyDisclosure({ ...DEFAULT_DISCLOSURE_POLICY, exactMinMax: true }, raw, ['min', 'max'], half);
    expect([exact.min, exact.max, exact.minMaxExact]).toEqual([20, 60, true]);
  });

  it('releases quantiles only inside 5%–95% and blanks small histogram cells', () => {
    const out = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, raw, ['quantiles', 'histogram'], half);
    expect(out.quantiles).toEqual([{ p: 0.5, value: 41 }]);
    expect(out.withheld?.quantiles?.code).toBe(DisclosureCode.QUANTILE_OUTSIDE_BAND);
    // The small cell (2) and, so that the released count does not give it away, the smallest other non-empty one (3).
    expect(out.histogram).toEqual({ edges: [0, 30, 50, 100], counts: [null, 5, null], below: 0, above: 0 });
  });

  it('releases quantiles only at published probabilities, and none that shares its records with a released neighbour', () => {
    const unpublished = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, { ...raw, quantiles: [{ p: 0.5, value: 41 }, { p: 0.51, value: 41.2 }] }, ['quantiles'], half);
    expect(unpublished.quantiles).toEqual([{ p: 0.5, value: 41 }]);
    expect(unpublished.withheld?.quantiles?.code).toBe(DisclosureCode.QUANTILE_NOT_PUBLISHED);
    // n = 10: 5 % and 10 % both interpolate between the two smallest records; 25 % (position 2.25) has 3 records up
    // to it, 50 % (4.5) only 2 more, 75 % (6.75) 4 more and 3 above it, 90 % (8.1) only 2 more.
    const quantiles = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9].map((p) => ({ p, value: 20 + 40 * p }));
    const small = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, { ...raw, quantiles }, ['quantiles'], half);
    expect(small.quantiles?.map((q) => q.p)).toEqual([0.25, 0.75]);
    expect(small.withheld?.quantiles?.code).toBe(DisclosureCode.QUANTILE_TOO_CLOSE);
  });

  it('gives a categorical column counts only', () => {
    const out = applyDisclosure(DEFAULT_DISCLOSURE_POLICY, { name: 'sex', type: 'categorical', count: 9, missing: 0 }, ['count', 'mean'], half);
    expect(out.count).toBe(9);
    expect(out.mean).toBeUndefined();
    expect(out.withheld?.mean?.code).toBe(DisclosureCode.NOT_NUMERIC);
  });
});
