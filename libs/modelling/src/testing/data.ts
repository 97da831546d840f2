// Seeded synthetic health records for the modelling tests: age, sex, smoker, bmi, sbp (systolic blood
// pressure), diabetes (0/1), visits (a count over `years`, logyears its offset), with some values missing. Deterministic, so R sees the same.
import { seededRandom } from '@phdmf/statistics';
import type { DatasetSchema } from '../schema';
import type { RecordValue } from '../subset/filter-sql';

export const healthSchema: DatasetSchema = {
  columns: ['age', 'sex', 'smoker', 'bmi', 'sbp', 'diabetes', 'visits', 'years', 'logyears'],
  columnTypes: ['numeric', 'categorical', 'categorical', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
};

export function healthRecords(seed: number, n: number, missing = true): Record<string, RecordValue>[] {
  const random = seededRandom(seed);
  const u = () => (Number(random.uniform(1_000_000_000n)) + 0.5) / 1_000_000_000;
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const round = (x: number, digits: number) => Number(x.toFixed(digits));
  return Array.from({ length: n }, (_, i) => {
    const age = round(25 + 50 * u(), 1);
    const sex = u() < 0.5 ? 'F' : 'M';
    const smoker = ['never', 'former', 'current'][Math.floor(u() * 3)] ?? 'never';
    const bmi = round(22 + 0.08 * (age - 50) + 4 * normal(), 1);
    const sbp = round(100 + 0.5 * age + 0.8 * bmi + (sex === 'M' ? 5 : 0) + (smoker === 'current' ? 4 : 0) + 10 * normal(), 1);
    const eta = -9 + 0.06 * age + 0.15 * bmi + (sex === 'M' ? 0.3 : 0);
    const diabetes = u() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    const years = round(1 + 4 * u(), 2);
    const rate = Math.exp(-1 + 0.02 * age + (smoker === 'current' ? 0.4 : 0));
    let visits = 0;
    for (let p = Math.exp(-rate * years), s = p, x = u(); x > s; s += p) p *= (rate * years) / ++visits;
    const gap = missing && i % 17 === 3;
    return { age, sex, smoker: missing && i % 23 === 5 ? null : smoker, bmi: gap ? null : bmi, sbp, diabetes, visits, years, logyears: Math.log(years) };
  });
}
