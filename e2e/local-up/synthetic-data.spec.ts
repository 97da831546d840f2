// The demo data generator (infra/local/synthetic-data.mjs), through its command line as the README
// uses it: deterministic, realistic ranges and correlations, some missing values, a CSV the storage
// node accepts (one header, every row with the header's field count, no empty lines).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './support/local-system';

function generate(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'infra/local/synthetic-data.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function parse(csv: string): { header: string[]; rows: string[][] } {
  const lines = csv.trimEnd().split('\n');
  return { header: lines[0]!.split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function numbers(rows: string[][], header: string[], column: string): number[] {
  const i = header.indexOf(column);
  return rows.map((r) => r[i]!).filter((v) => v !== '').map(Number);
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function correlation(pairs: [number, number][]): number {
  const mx = mean(pairs.map((p) => p[0]));
  const my = mean(pairs.map((p) => p[1]));
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('synthetic physiological data (infra/local/synthetic-data.mjs)', () => {
  const first = generate('--profile', 'general', '--rows', '3000', '--seed', '11');
  const { header, rows } = parse(first.stdout);

  it('is deterministic: the same seed gives the same bytes, another seed other data', () => {
    expect(first.status).toBe(0);
    expect(generate('--profile', 'general', '--rows', '3000', '--seed', '11').stdout).toBe(first.stdout);
    expect(generate('--profile', 'general', '--rows', '3000', '--seed', '12').stdout).not.toBe(first.stdout);
  });

  it('writes one header and the rows asked for, each with the header\'s field count', () => {
    expect(header).toEqual(['age', 'sex', 'height_cm', 'weight_kg', 'bmi', 'heart_rate', 'systolic_bp', 'diastolic_bp', 'fasting_glucose', 'total_cholesterol', 'smoker', 'visit_date']);
    expect(rows).toHaveLength(3000);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(first.stdout.endsWith('\n')).toBe(true);
    expect(first.stdout).not.toMatch(/\n\n/);
    expect(parse(generate('--profile', 'diabetes', '--rows', '10').stdout).header).toContain('hba1c');
  });

  it('stays in realistic ranges, with plausible means', () => {
    const range = (column: string, lo: number, hi: number) => {
      const xs = numbers(rows, header, column);
      expect({ column, min: Math.min(...xs) >= lo, max: Math.max(...xs) <= hi }).toEqual({ column, min: true, max: true });
      return mean(xs);
    };
    expect(range('age', 18, 98)).toBeGreaterThan(45);
    expect(range('bmi', 15, 56)).toBeGreaterThan(24);
    expect(range('heart_rate', 40, 150)).toBeGreaterThan(65);
    expect(range('systolic_bp', 80, 230)).toBeGreaterThan(120);
    expect(range('diastolic_bp', 45, 130)).toBeGreaterThan(70);
    expect(range('fasting_glucose', 60, 420)).toBeGreaterThan(85);
    expect(range('total_cholesterol', 95, 360)).toBeGreaterThan(170);
    const sex = rows.map((r) => r[header.indexOf('sex')]);
    expect(new Set(sex)).toEqual(new Set(['F', 'M']));
    for (const d of rows.map((r) => r[header.indexOf('visit_date')]!)) expect(d).toMatch(/^2023-\d\d-\d\d$/);
  });

  it('has the usual correlations and diastolic below systolic', () => {
    const i = (c: string) => header.indexOf(c);
    const pairs = (a: string, b: string) => rows.filter((r) => r[i(a)] !== '' && r[i(b)] !== '').map((r): [number, number] => [Number(r[i(a)]), Number(r[i(b)])]);
    expect(correlation(pairs('age', 'systolic_bp'))).toBeGreaterThan(0.3);
    expect(correlation(pairs('systolic_bp', 'diastolic_bp'))).toBeGreaterThan(0.5);
    expect(correlation(pairs('bmi', 'fasting_glucose'))).toBeGreaterThan(0.1);
    for (const [sys, dia] of pairs('systolic_bp', 'diastolic_bp')) expect(dia).toBeLessThan(sys);
  });

  it('leaves some values missing (empty), more for laboratory values than for demographics', () => {
    const missing = (c: string) => rows.filter((r) => r[header.indexOf(c)] === '').length / rows.length;
    expect(missing('sex')).toBe(0);
    expect(missing('fasting_glucose')).toBeGreaterThan(0.03);
    expect(missing('fasting_glucose')).toBeLessThan(0.12);
    expect(missing('systolic_bp')).toBeGreaterThan(0.005);
  });

  it('refuses an unknown profile or argument with a message and exit code 2', () => {
    const bad = generate('--profile', 'nonsense');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown profile "nonsense" \(one of cardiology, diabetes, general, screening\)/);
    expect(generate('--rows', '0').status).toBe(2);
    expect(generate('--colour', 'blue').stderr).toMatch(/unknown argument --colour/);
  });
});
