#!/usr/bin/env node
// Synthetic physiological data for the demo sites: deterministic (a seeded PRNG, so the same seed
// gives the same file, byte for byte, and so the same SHA-256 on every machine), with realistic
// ranges, the usual correlations (blood pressure rises with age and BMI, diastolic follows systolic,
// glucose with BMI and age, heart rate with smoking), and some missing values (empty fields).
// Nobody in these files exists.
//
// Plain Node.js, no dependencies. As a command:
//   node infra/local/synthetic-data.mjs [--profile general] [--rows 2000] [--seed 1] > file.csv
// writes one CSV to stdout (profiles: see PROFILES below).

import { fileURLToPath } from 'node:url';

/** mulberry32: a small, fast 32-bit PRNG; plenty for test data, and identical on every platform. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A seed from text (FNV-1a), so datasets can be seeded by name. */
export function seedOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/**
 * The populations the demo sites draw from. Each site sees a different population, so per-site
 * breakdowns differ visibly and pooled results are not just one site's numbers.
 */
export const PROFILES = {
  // Older outpatients of a cardiology clinic: higher pressures, more smokers.
  cardiology: { age: [64, 11, 30, 95], female: 0.42, bmi: 28.6, smoker: 0.24, sbpShift: 8, glucoseShift: 4, diabetes: 0.14 },
  // A diabetes clinic: high glucose, higher BMI; carries HbA1c as an extra column.
  diabetes: { age: [58, 13, 22, 92], female: 0.47, bmi: 31.2, smoker: 0.17, sbpShift: 4, glucoseShift: 10, diabetes: 0.78, hba1c: true },
  // General medicine admissions: broad ages.
  general: { age: [55, 18, 18, 98], female: 0.51, bmi: 27.1, smoker: 0.2, sbpShift: 2, glucoseShift: 2, diabetes: 0.11 },
  // Community screening: younger and healthier.
  screening: { age: [44, 14, 18, 85], female: 0.55, bmi: 25.9, smoker: 0.15, sbpShift: -3, glucoseShift: 0, diabetes: 0.05 },
};

/** The columns every profile has (the pooled analyses use these); `hba1c` only where the profile says. */
export const COLUMNS = ['age', 'sex', 'height_cm', 'weight_kg', 'bmi', 'heart_rate', 'systolic_bp', 'diastolic_bp', 'fasting_glucose', 'total_cholesterol', 'smoker', 'visit_date'];

/** Share of empty values per column: measurements are sometimes not taken, demographics rarely missing. */
const MISSING = { age: 0.002, sex: 0, height_cm: 0.03, weight_kg: 0.025, bmi: 0.035, heart_rate: 0.012, systolic_bp: 0.02, diastolic_bp: 0.02, fasting_glucose: 0.07, total_cholesterol: 0.05, smoker: 0.015, visit_date: 0, hba1c: 0.06 };

function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

/** Generates the CSV text of one dataset. */
export function generateCsv({ profile: profileName = 'general', rows = 2000, seed = 1 } = {}) {
  const profile = PROFILES[profileName];
  if (!profile) throw new Error(`unknown profile "${profileName}" (one of ${Object.keys(PROFILES).join(', ')})`);
  if (!Number.isInteger(rows) || rows < 1) throw new Error('rows must be a positive integer');
  const random = prng(seed);
  let spare = null;
  // Box–Muller, keeping the second variate for the next call.
  const normal = (mean = 0, sd = 1) => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return mean + sd * z;
    }
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  };
  const columns = profile.hba1c ? [...COLUMNS, 'hba1c'] : COLUMNS;
  const lines = [columns.join(',')];
  const [ageMean, ageSd, ageMin, ageMax] = profile.age;
  const start = Date.UTC(2023, 0, 2);

  for (let i = 0; i < rows; i++) {
    const age = Math.round(clamp(normal(ageMean, ageSd), ageMin, ageMax));
    const female = random() < profile.female;
    const smoker = random() < profile.smoker * (age > 70 ? 0.6 : 1);
    // Height shrinks a little with age; BMI creeps up until the late sixties.
    const height = clamp(normal(female ? 163 : 176.5, female ? 6.5 : 7) - Math.max(0, age - 50) * 0.06, 140, 205);
    const bmi = clamp(normal(profile.bmi + 0.05 * (Math.min(age, 68) - 45), 4.6), 15.5, 55);
    const weight = bmi * (height / 100) ** 2;
    const heartRate = Math.round(clamp(normal(71 + (female ? 3 : 0) + (smoker ? 5 : 0) + 0.35 * (bmi - 26) - 0.04 * (age - 45), 10), 40, 150));
    const systolic = Math.round(clamp(normal(104 + 0.48 * age + 0.95 * (bmi - 25) + (female ? 0 : 4) + (smoker ? 2 : 0) + profile.sbpShift, 13), 82, 230));
    const diastolic = Math.round(clamp(normal(24 + 0.42 * systolic + 0.25 * (bmi - 25) - 0.08 * Math.max(0, age - 60), 6.5), 45, systolic - 18));
    const diabetic = random() < clamp(profile.diabetes * (0.6 + 0.012 * (age - 30) + 0.04 * (bmi - 27)), 0, 0.95);
    const glucose = Math.round(
      diabetic ? clamp(normal(148 + profile.glucoseShift, 34), 95, 420) : clamp(normal(86 + 0.12 * (age - 40) + 0.9 * (bmi - 25) + profile.glucoseShift / 3, 8.5), 62, 125),
    );
    const cholesterol = Math.round(clamp(normal(168 + 0.55 * age + (female ? 6 : 0) + 1.1 * (bmi - 26), 34), 95, 360));
    const hba1c = diabetic ? clamp(normal(7.6, 1.2), 6.5, 13.5) : clamp(normal(5.3 + 0.008 * (age - 40), 0.3), 4.2, 6.4);
    const visit = new Date(start + Math.floor(random() * 364) * 86_400_000).toISOString().slice(0, 10);

    const values = {
      age,
      sex: female ? 'F' : 'M',
      height_cm: height.toFixed(1),
      weight_kg: weight.toFixed(1),
      bmi: bmi.toFixed(1),
      heart_rate: heartRate,
      systolic_bp: systolic,
      diastolic_bp: diastolic,
      fasting_glucose: glucose,
      total_cholesterol: cholesterol,
      smoker: smoker ? 'yes' : 'no',
      visit_date: visit,
      hba1c: hba1c.toFixed(1),
    };
    lines.push(columns.map((c) => (random() < MISSING[c] ? '' : String(values[c]))).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function parseArgs(argv) {
  const options = { profile: 'general', rows: 2000, seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--profile') options.profile = value;
    else if (flag === '--rows') options.rows = Number(value);
    else if (flag === '--seed') options.seed = Number(value);
    else throw new Error(`unknown argument ${flag}; usage: synthetic-data.mjs [--profile ${Object.keys(PROFILES).join('|')}] [--rows N] [--seed N]`);
    i++;
  }
  return options;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.stdout.write(generateCsv(parseArgs(process.argv.slice(2))));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
