// Boundary validation: every transaction receives one JSON string, and every field is checked here
// before the contract touches state. Errors are INPUT.INVALID and name the offending field. Checks are
// pure functions of the input (regular expressions and arithmetic), so every peer decides alike.
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import {
  COLUMN_TYPES,
  DATASET_STANCES,
  DP_QUANTITIES,
  PRIVACY_MODES,
  STATISTICS,
  type ColumnGrid,
  type ColumnType,
  type DatasetStance,
  type PlannedQuantity,
  type PrivacyMode,
  type Statistic,
} from './records';

/** Identifiers (member, MSP, dataset, request, operator, …): ASCII, safe inside composite keys. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}$/;
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
export const PEM_PATTERN = /^-----BEGIN PUBLIC KEY-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END PUBLIC KEY-----(?:\r?\n)?$/;
export const URL_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#]+(?:[/?#]\S*)?$/;

/** Size limits of free-text fields. */
export const Limits = {
  name: 200,
  fileName: 255,
  description: 2000,
  purpose: 2000,
  reason: 2000,
  columnName: 256,
  columns: 1000,
  /** Bins of a declared histogram grid between its bounds: finer is no grid. */
  gridCells: 10_000,
  grants: 100,
  /** The consortium's largest privacy budget ρ per grant (zCDP; ρ = 10 is already a weak guarantee). */
  budgetRho: 10,
  /** Planned noisy quantities per grant of one reservation (five per column at most). */
  quantities: 5000,
  pem: 8192,
  url: 2048,
} as const;

function invalid(field: string, problem: string): ChaincodeError {
  return new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"${field}" ${problem}`);
}

/**
 * The platform's one text rule (libs/contracts `isSafeText`, held equal by the ledger service's
 * contracts-mirror test): well-formed UTF-16 — a lone surrogate has no UTF-8 encoding, so peers
 * would not agree on its bytes — and no control character (C0 and DEL; tab, LF and CR only in
 * multiline text).
 */
export function isSafeText(value: string, multiline = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20) {
      if (!(multiline && (c === 0x09 || c === 0x0a || c === 0x0d))) return false;
    } else if (c === 0x7f) {
      return false;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

const UNSAFE_TEXT = 'must be well-formed text without control characters';

function daysInMonth(year: number, month: number): number {
  return [31, (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

/** Parses an ISO-8601 date-time with an explicit offset into epoch milliseconds, or undefined. */
export function parseIsoTime(value: string): number | undefined {
  const m = ISO_PATTERN.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const millis = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** Text field options. */
interface TextOptions {
  max: number;
  /** Minimum length; 1 unless given. */
  min?: number;
  multiline?: boolean;
}

/** Reads and checks the fields of one JSON object (the request, or one element of an array in it). */
export class Fields {
  private constructor(
    private readonly values: Record<string, unknown>,
    private readonly prefix: string,
  ) {}

  /**
   * Parses the transaction argument: a JSON object with no fields other than `allowed` and the commit
   * key every write may carry (`idempotencyKey`, checked and recorded by keyed-commits.ts).
   */
  static parse(json: string, allowed: readonly string[]): Fields {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, 'the request is not valid JSON');
    }
    return Fields.of(parsed, [...allowed, 'idempotencyKey'], 'request');
  }

  private static of(value: unknown, allowed: readonly string[], path: string): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw invalid(path, 'must be a JSON object');
    }
    const values = value as Record<string, unknown>;
    const prefix = path === 'request' ? '' : `${path}.`;
    for (const name of Object.keys(values).sort()) {
      if (!allowed.includes(name)) throw invalid(`${prefix}${name}`, 'is not a known field');
    }
    return new Fields(values, prefix);
  }

  private path(name: string): string {
    return `${this.prefix}${name}`;
  }

  private raw(name: string): unknown {
    const value = Object.prototype.hasOwnProperty.call(this.values, name) ? this.values[name] : undefined;
    return value ?? undefined;
  }

  private present(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  private string(name: string): string {
    const value = this.raw(name);
    if (value === undefined) throw invalid(this.path(name), 'is required');
    if (typeof value !== 'string') throw invalid(this.path(name), 'must be a string');
    return value;
  }

  /** A required identifier (see {@link ID_PATTERN}). */
  id(name: string): string {
    const value = this.string(name);
    if (!ID_PATTERN.test(value)) {
      throw invalid(this.path(name), 'must be 1-128 characters: letters, digits and . _ : @ + = / - (starting with a letter or digit)');
    }
    return value;
  }

  /** An optional identifier; null counts as absent. */
  optionalId(name: string): string | undefined {
    return this.present(name) ? this.id(name) : undefined;
  }

  /** Required text of bounded length by the one text rule ({@link isSafeText}). */
  text(name: string, options: TextOptions): string {
    const value = this.string(name);
    const min = options.min ?? 1;
    if (value.length < min || value.length > options.max) {
      throw invalid(this.path(name), min === 0 ? `must be at most ${options.max} characters` : `must be ${min}-${options.max} characters`);
    }
    if (!isSafeText(value, options.multiline === true)) throw invalid(this.path(name), UNSAFE_TEXT);
    return value;
  }

  /** Optional text; null counts as absent. */
  optionalText(name: string, options: TextOptions): string | undefined {
    return this.present(name) ? this.text(name, options) : undefined;
  }

  /** A SHA-256 digest: 64 hex digits, returned in lowercase. */
  sha256(name: string): string {
    const value = this.string(name);
    if (!SHA256_PATTERN.test(value)) throw invalid(this.path(name), 'must be a SHA-256 digest (64 hexadecimal digits)');
    return value.toLowerCase();
  }

  /** A safe integer no smaller than `min`. */
  integer(name: string, min: number): number {
    const value = this.raw(name);
    if (value === undefined) throw invalid(this.path(name), 'is required');
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalid(this.path(name), 'must be an integer');
    if (value < min) throw invalid(this.path(name), `must be at least ${min}`);
    return value;
  }

  /** Optional {@link integer}; null counts as absent. */
  optionalInteger(name: string, min: number): number | undefined {
    return this.present(name) ? this.integer(name, min) : undefined;
  }

  /** Optional boolean; null counts as absent. */
  optionalBoolean(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw invalid(this.path(name), 'must be true or false');
    return value;
  }

  /** A finite number. */
  number(name: string): number {
    const value = this.raw(name);
    if (value === undefined) throw invalid(this.path(name), 'is required');
    if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(this.path(name), 'must be a finite number');
    return value;
  }

  /** A finite number above zero. */
  positiveNumber(name: string): number {
    const value = this.number(name);
    if (!(value > 0)) throw invalid(this.path(name), 'must be above zero');
    return value;
  }

  /** Optional {@link positiveNumber}; null counts as absent. */
  optionalPositiveNumber(name: string): number | undefined {
    return this.present(name) ? this.positiveNumber(name) : undefined;
  }

  /** Optional one of {@link PRIVACY_MODES}; null counts as absent. */
  optionalPrivacyMode(name: string): PrivacyMode | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const known = PRIVACY_MODES.find((m) => m === value);
    if (known === undefined) throw invalid(this.path(name), `must be one of ${PRIVACY_MODES.join(', ')}`);
    return known;
  }

  /** Planned quantities `{ column, quantity, rho }`: each column and quantity at most once, ρ above zero. */
  plannedQuantities(name: string): PlannedQuantity[] {
    const seen = new Set<string>();
    return this.objects(name, ['column', 'quantity', 'rho'], 1, Limits.quantities).map((f, index) => {
      const field = `${this.path(name)}[${index}]`;
      const column = f.text('column', { max: Limits.columnName });
      const quantity = DP_QUANTITIES.find((q) => q === f.raw('quantity'));
      if (quantity === undefined) throw invalid(`${field}.quantity`, `must be one of ${DP_QUANTITIES.join(', ')}`);
      const id = JSON.stringify([column, quantity]);
      if (seen.has(id)) throw invalid(field, `repeats ${quantity} of column "${column}"`);
      seen.add(id);
      return { column, quantity, rho: f.positiveNumber('rho') };
    });
  }

  /** An ISO-8601 date-time with offset, returned normalised to UTC (`toISOString`). */
  isoTime(name: string): string {
    const value = this.string(name);
    const ms = parseIsoTime(value);
    if (ms === undefined) throw invalid(this.path(name), 'must be an ISO-8601 date-time with offset, e.g. 2030-01-31T00:00:00Z');
    return new Date(ms).toISOString();
  }

  /** Optional {@link isoTime}. */
  optionalIsoTime(name: string): string | undefined {
    return this.present(name) ? this.isoTime(name) : undefined;
  }

  /** An SPKI public key in PEM form (`-----BEGIN PUBLIC KEY-----`). */
  publicKeyPem(name: string): string {
    const value = this.string(name);
    if (value.length > Limits.pem || !PEM_PATTERN.test(value)) {
      throw invalid(this.path(name), 'must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)');
    }
    return value;
  }

  /** An absolute URL with a scheme and a host, without control characters (`\S` lets NUL and DEL through). */
  url(name: string): string {
    const value = this.string(name);
    if (value.length > Limits.url || !isSafeText(value) || !URL_PATTERN.test(value)) {
      throw invalid(this.path(name), 'must be an absolute URL such as https://node.example.org:8443');
    }
    return value;
  }

  private array(name: string, min: number, max: number): unknown[] {
    const value = this.raw(name);
    if (value === undefined) throw invalid(this.path(name), 'is required');
    if (!Array.isArray(value)) throw invalid(this.path(name), 'must be an array');
    const items = value as unknown[];
    if (items.length < min || items.length > max) {
      throw invalid(this.path(name), min === 0 ? `must have at most ${max} items` : `must have ${min}-${max} items`);
    }
    return items;
  }

  /** A list of distinct column names. */
  columns(name: string, min = 1): string[] {
    const items = this.array(name, min, Limits.columns);
    const seen = new Set<string>();
    return items.map((item, index) => {
      const field = `${this.path(name)}[${index}]`;
      if (typeof item !== 'string') throw invalid(field, 'must be a string');
      if (item.length < 1 || item.length > Limits.columnName) throw invalid(field, `must be 1-${Limits.columnName} characters`);
      if (!isSafeText(item)) throw invalid(field, UNSAFE_TEXT);
      if (seen.has(item)) throw invalid(field, `repeats column "${item}"`);
      seen.add(item);
      return item;
    });
  }

  /** Optional {@link columns}. */
  optionalColumns(name: string): string[] | undefined {
    return this.present(name) ? this.columns(name) : undefined;
  }

  /** One of {@link DATASET_STANCES}. */
  stance(name: string): DatasetStance {
    const value = this.raw(name);
    if (value === undefined) throw invalid(this.path(name), 'is required');
    const known = DATASET_STANCES.find((s) => s === value);
    if (known === undefined) throw invalid(this.path(name), `must be one of ${DATASET_STANCES.join(', ')}`);
    return known;
  }

  /** A list of column types from {@link COLUMN_TYPES} (repeats allowed: one per column). */
  columnTypes(name: string): ColumnType[] {
    const items = this.array(name, 1, Limits.columns);
    return items.map((item, index) => {
      const known = COLUMN_TYPES.find((t) => t === item);
      if (known === undefined) throw invalid(`${this.path(name)}[${index}]`, `must be one of ${COLUMN_TYPES.join(', ')}`);
      return known;
    });
  }

  /** Optional {@link columnTypes}. */
  optionalColumnTypes(name: string): ColumnType[] | undefined {
    return this.present(name) ? this.columnTypes(name) : undefined;
  }

  /**
   * Declared histogram grids `{ column, lower, upper, binWidth }`: bounds increasing, a positive
   * width, at most {@link Limits.gridCells} bins between the bounds, one per column.
   */
  optionalColumnGrids(name: string): ColumnGrid[] | undefined {
    if (!this.present(name)) return undefined;
    const seen = new Set<string>();
    return this.objects(name, ['column', 'lower', 'upper', 'binWidth'], 1, Limits.columns).map((f, index) => {
      const field = `${this.path(name)}[${index}]`;
      const grid: ColumnGrid = { column: f.text('column', { max: Limits.columnName }), lower: f.number('lower'), upper: f.number('upper'), binWidth: f.number('binWidth') };
      if (seen.has(grid.column)) throw invalid(field, `repeats column "${grid.column}"`);
      seen.add(grid.column);
      if (!(grid.binWidth > 0)) throw invalid(`${field}.binWidth`, 'must be positive');
      if (!(grid.upper > grid.lower)) throw invalid(`${field}.upper`, 'must be above lower');
      if ((grid.upper - grid.lower) / grid.binWidth > Limits.gridCells) throw invalid(field, `has more than ${Limits.gridCells} bins between its bounds`);
      return grid;
    });
  }

  /** A list of distinct statistics from {@link STATISTICS}. */
  statistics(name: string, min = 1): Statistic[] {
    const items = this.array(name, min, STATISTICS.length);
    const seen = new Set<string>();
    return items.map((item, index) => {
      const field = `${this.path(name)}[${index}]`;
      const known = STATISTICS.find((s) => s === item);
      if (known === undefined) throw invalid(field, `must be one of ${STATISTICS.join(', ')}`);
      if (seen.has(known)) throw invalid(field, `repeats statistic "${known}"`);
      seen.add(known);
      return known;
    });
  }

  /** Optional {@link statistics}. */
  optionalStatistics(name: string): Statistic[] | undefined {
    return this.present(name) ? this.statistics(name) : undefined;
  }

  /** A list of JSON objects, each with no fields other than `allowed`. */
  objects(name: string, allowed: readonly string[], min: number, max: number): Fields[] {
    return this.array(name, min, max).map((item, index) => Fields.of(item, allowed, `${this.path(name)}[${index}]`));
  }
}
