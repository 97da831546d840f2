// Records for the modelling tests: a synthetic cohort per site (seeded, so a failure reproduces)
// with a binary and a count outcome, and R's mtcars (shipped as fixtures/mtcars.csv) split over the
// sites row by row. Each is kept as records too, for the single computation over their concatenation.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export type Value = number | string | null;
export type Row = Record<string, Value>;

export interface Part {
  columns: string[];
  rows: Row[];
  csv: string;
}

function lcg(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function partOf(columns: string[], rows: Row[]): Part {
  const cell = (v: Value) => (v === null ? '' : String(v));
  return { columns, rows, csv: [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c] ?? null)).join(','))].join('\n') + '\n' };
}

export const COHORT_COLUMNS = ['id', 'age', 'sex', 'bmi', 'sbp', 'smoker', 'diabetes', 'visits', 'marker', 'flag'];

/**
 * A site's patients: age (2 % missing), sex, BMI, systolic BP (depending on age, BMI, smoking),
 * smoker (yes/no), diabetes (0/1, logistic in age and BMI), GP visits (Poisson in age and smoking).
 * `marker` is present on exactly 2 records and `flag` is 1 on exactly 2 (the disclosure attacks).
 */
export function modelCohort(rows: number, seed: number): Part {
  const rnd = lcg(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const poisson = (mean: number) => {
    let k = 0;
    for (let p = rnd(), limit = Math.exp(-mean); p > limit; p *= rnd()) k++;
    return k;
  };
  const out: Row[] = [];
  for (let i = 0; i < rows; i++) {
    const ageValue = 25 + Math.floor(rnd() * (50 + seed * 3));
    const bmi = Number((20 + seed + normal() * 4).toFixed(2));
    const smoker = rnd() < 0.25 + 0.05 * seed ? 'yes' : 'no';
    const sbp = Number((100 + 0.5 * ageValue + 0.8 * bmi + (smoker === 'yes' ? 5 : 0) + normal() * 10).toFixed(1));
    const eta = -9 + 0.06 * ageValue + 0.15 * bmi;
    const diabetes = rnd() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    out.push({
      id: seed * 100_000 + i,
      age: rnd() < 0.02 ? null : ageValue,
      sex: rnd() < 0.5 ? 'F' : 'M',
      bmi,
      sbp,
      smoker,
      diabetes,
      visits: poisson(Math.exp(-0.5 + 0.02 * ageValue + (smoker === 'yes' ? 0.3 : 0))),
      marker: i < 2 ? 40 + i : null,
      flag: i < 2 ? 1 : 0,
    });
  }
  return partOf(COHORT_COLUMNS, out);
}

const MTCARS = path.join(__dirname, '..', 'fixtures', 'mtcars.csv');

/** R's mtcars (the CSV R wrote, shipped with the tests), row i to part i mod `parts`. */
export function mtcarsParts(parts: number): { all: Part; parts: Part[] } {
  const [header = '', ...lines] = readFileSync(MTCARS, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, j) => [columns[j] ?? '', Number(v)])) as Row);
  return { all: partOf(columns, rows), parts: Array.from({ length: parts }, (_, k) => partOf(columns, rows.filter((_, i) => i % parts === k))) };
}

/** The parts' records one after another: the single computation's input. */
export function concatenated(parts: readonly Part[]): Part {
  const columns = parts[0]?.columns ?? [];
  return partOf(columns, parts.flatMap((p) => p.rows));
}
