// class-validator decorators for ledger payloads. They mirror the chaincode's boundary checks
// (chaincode/src/validation.ts) so that a malformed request is refused at the ledger service's
// edge with VALIDATION.FAILED naming the field, before it costs a simulation. The chaincode still
// checks everything itself: it is the authority, these are the early warning.
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { isISO8601, ValidateBy } from 'class-validator';
import { documented, type FieldDecorator as Decorator } from '../../lib/documented';
import { ENDPOINT_URL_PATTERN, isEndpointUrl, isSafeText, PUBLIC_KEY_PEM_PATTERN, safeTextProblem } from '../../lib/text';
import { LEDGER_COLUMN_TYPES, LEDGER_DP_QUANTITIES, LEDGER_PRIVACY_MODES, LEDGER_STATISTICS, LEDGER_SUMMARY_STATISTICS } from './records';

/** Identifiers (member, MSP, dataset, request, operator, …), as the chaincode accepts them. */
export const LEDGER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+=/-]{0,127}$/;
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
export const ISO_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Size limits of ledger fields (the chaincode's). */
export const LedgerLimits = {
  name: 200,
  fileName: 255,
  description: 2000,
  purpose: 2000,
  reason: 2000,
  columnName: 256,
  columns: 1000,
  /** Bins of a declared histogram grid between its bounds. */
  gridCells: 10_000,
  grants: 100,
  /** The consortium's largest privacy budget ρ per grant. */
  budgetRho: 10,
  /** Planned noisy quantities per grant of one reservation. */
  quantities: 5000,
  pem: 8192,
  url: 2048,
} as const;

// Each decorator is one validator doing every check of its field: payloads are validated on every
// ledger command, on the service's hot path, and class-validator's cost grows with the number of
// validators per class. Each also documents its field (OpenAPI schema) from the same limits.
function check(name: string, valid: (value: unknown) => boolean, message: string, schema: ApiPropertyOptions): Decorator {
  return documented(ValidateBy({ name, validator: { validate: valid, defaultMessage: () => `$property ${message}` } }), schema);
}

/** The OpenAPI schema of a column name (one item of a column list). */
const COLUMN_NAME_SCHEMA = { type: 'string', minLength: 1, maxLength: LedgerLimits.columnName } as const;

function isText(value: unknown, min: number, max: number, multiline: boolean): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max && isSafeText(value, multiline);
}

function isDistinctList(value: unknown, min: number, max: number, item: (v: unknown) => boolean): boolean {
  return Array.isArray(value) && value.length >= min && value.length <= max && value.every(item) && new Set(value).size === value.length;
}

/** A ledger identifier (see {@link LEDGER_ID_PATTERN}). */
export function IsLedgerId(): Decorator {
  return check(
    'isLedgerId',
    (v) => typeof v === 'string' && LEDGER_ID_PATTERN.test(v),
    'must be 1-128 characters: letters, digits and . _ : @ + = / - (starting with a letter or digit)',
    { type: 'string', pattern: LEDGER_ID_PATTERN.source },
  );
}

/** Text of bounded length by the one text rule ({@link isSafeText}: tab and line breaks only when multiline). */
export function IsLedgerText(max: number, options: { min?: number; multiline?: boolean } = {}): Decorator {
  const min = options.min ?? 1;
  const multiline = options.multiline === true;
  return check('isLedgerText', (v) => isText(v, min, max, multiline), `must be a string of ${min}-${max} characters that ${safeTextProblem(multiline).replace(/^must be/, 'is')}`, {
    type: 'string',
    minLength: min,
    maxLength: max,
  });
}

/** A SHA-256 digest, 64 hexadecimal digits. */
export function IsSha256(): Decorator {
  return check('isSha256', (v) => typeof v === 'string' && SHA256_PATTERN.test(v), 'must be a SHA-256 digest (64 hexadecimal digits)', { type: 'string', pattern: SHA256_PATTERN.source });
}

/** An ISO-8601 date-time with an explicit offset, e.g. 2030-01-31T00:00:00Z, that names a real instant (no 31 February). */
export function IsIsoTime(): Decorator {
  return check('isIsoTime', (v) => typeof v === 'string' && ISO_TIME_PATTERN.test(v) && isISO8601(v, { strict: true }), 'must be an ISO-8601 date-time with offset, e.g. 2030-01-31T00:00:00Z', {
    type: 'string',
    format: 'date-time',
    pattern: ISO_TIME_PATTERN.source,
    example: '2031-01-31T00:00:00Z',
  });
}

/** An SPKI public key in PEM form. */
export function IsPublicKeyPem(): Decorator {
  return check(
    'isPublicKeyPem',
    (v) => typeof v === 'string' && v.length <= LedgerLimits.pem && PUBLIC_KEY_PEM_PATTERN.test(v),
    'must be a PEM-encoded public key (-----BEGIN PUBLIC KEY-----)',
    { type: 'string', maxLength: LedgerLimits.pem, pattern: PUBLIC_KEY_PEM_PATTERN.source },
  );
}

/** An absolute URL with a scheme and a host, without control characters. */
export function IsEndpointUrl(): Decorator {
  return check('isEndpointUrl', (v) => isEndpointUrl(v, LedgerLimits.url), 'must be an absolute URL such as https://node.example.org:8443 (no control characters)', {
    type: 'string',
    minLength: 1,
    maxLength: LedgerLimits.url,
    pattern: ENDPOINT_URL_PATTERN.source,
    example: 'https://node.hospital-a.org:8443',
  });
}

/** An integer no smaller than `min`. */
export function IsIntAtLeast(min: number): Decorator {
  return check('isIntAtLeast', (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min, `must be an integer of at least ${min}`, { type: 'integer', minimum: min });
}

/** A list of distinct column names. */
export function IsColumnList(min = 1): Decorator {
  return check(
    'isColumnList',
    (v) => isDistinctList(v, min, LedgerLimits.columns, (c) => isText(c, 1, LedgerLimits.columnName, false)),
    `must be a list of ${min}-${LedgerLimits.columns} distinct column names (1-${LedgerLimits.columnName} characters, well-formed, no control characters)`,
    { type: 'array', items: COLUMN_NAME_SCHEMA, minItems: min, maxItems: LedgerLimits.columns, uniqueItems: true },
  );
}

/**
 * A list of column types from {@link LEDGER_COLUMN_TYPES}, one per column of the payload's
 * `columns` (so repeats are allowed, and the two lists have the same length).
 */
export function IsColumnTypeList(): Decorator {
  const known: readonly unknown[] = LEDGER_COLUMN_TYPES;
  const schema: ApiPropertyOptions = { type: 'array', items: { type: 'string', enum: [...LEDGER_COLUMN_TYPES] }, minItems: 1, maxItems: LedgerLimits.columns };
  return documented(ValidateBy({
    name: 'isColumnTypeList',
    validator: {
      validate: (v, args) => {
        const columns = (args?.object as { columns?: unknown } | undefined)?.columns;
        return Array.isArray(v) && Array.isArray(columns) && v.length === columns.length && v.length >= 1 && v.length <= LedgerLimits.columns && v.every((t) => known.includes(t));
      },
      defaultMessage: () => `$property must list one type per column (only together with columns), each among ${LEDGER_COLUMN_TYPES.join(', ')}`,
    },
  }), schema);
}

function statisticList(name: string, vocabulary: readonly string[], min: number): Decorator {
  return check(
    name,
    (v) => isDistinctList(v, min, vocabulary.length, (x) => vocabulary.includes(x as string)),
    `must be a list of ${min}-${vocabulary.length} distinct statistics among ${vocabulary.join(', ')}`,
    { type: 'array', items: { type: 'string', enum: [...vocabulary] }, minItems: min, maxItems: vocabulary.length, uniqueItems: true },
  );
}

/** A list of distinct statistics from {@link LEDGER_STATISTICS} (what a grant covers, what the chain records). */
export function IsStatisticList(min = 1): Decorator {
  return statisticList('isStatisticList', LEDGER_STATISTICS, min);
}

/** A list of distinct per-column summary statistics ({@link LEDGER_SUMMARY_STATISTICS}): a summary analysis asks for no model. */
export function IsSummaryStatisticList(min = 1): Decorator {
  return statisticList('isSummaryStatisticList', LEDGER_SUMMARY_STATISTICS, min);
}

/**
 * Declared histogram grids `{ column, lower, upper, binWidth }`, one per numeric column named in
 * `columns`: bounds increasing, a positive width, at most `gridCells` bins between them.
 */
export function IsColumnGridList(): Decorator {
  const cell = { type: 'number' } as const;
  const schema: ApiPropertyOptions = {
    type: 'array',
    items: { type: 'object', required: ['column', 'lower', 'upper', 'binWidth'], additionalProperties: false, properties: { column: COLUMN_NAME_SCHEMA, lower: cell, upper: cell, binWidth: { type: 'number', minimum: 0, exclusiveMinimum: true } } },
    minItems: 1,
    maxItems: LedgerLimits.columns,
  };
  return documented(ValidateBy({
    name: 'isColumnGridList',
    validator: {
      validate: (v, args) => {
        const o = args?.object as { columns?: unknown; columnTypes?: unknown } | undefined;
        const columns = Array.isArray(o?.columns) ? (o.columns as unknown[]) : [];
        const types = Array.isArray(o?.columnTypes) ? (o.columnTypes as unknown[]) : [];
        if (!Array.isArray(v) || v.length < 1 || v.length > LedgerLimits.columns) return false;
        const seen = new Set<unknown>();
        return v.every((g: unknown) => {
          if (typeof g !== 'object' || g === null) return false;
          const { column, lower, upper, binWidth, ...rest } = g as Record<string, unknown>;
          if (Object.keys(rest).length > 0 || seen.has(column)) return false;
          seen.add(column);
          if (typeof lower !== 'number' || typeof upper !== 'number' || typeof binWidth !== 'number' || ![lower, upper, binWidth].every(Number.isFinite)) return false;
          const at = columns.indexOf(column);
          return at >= 0 && types[at] === 'numeric' && binWidth > 0 && upper > lower && (upper - lower) / binWidth <= LedgerLimits.gridCells;
        });
      },
      defaultMessage: () => `$property must list { column, lower, upper, binWidth } per numeric column of columns, lower < upper, binWidth > 0, at most ${LedgerLimits.gridCells} bins`,
    },
  }), schema);
}

/** A privacy mode of {@link LEDGER_PRIVACY_MODES}. */
export function IsPrivacyMode(): Decorator {
  const known: readonly unknown[] = LEDGER_PRIVACY_MODES;
  return check('isPrivacyMode', (v) => known.includes(v), `must be one of ${LEDGER_PRIVACY_MODES.join(', ')}`, { type: 'string', enum: [...LEDGER_PRIVACY_MODES] });
}

/** A budget ρ: above zero, at most the consortium's maximum. */
export function IsBudgetRho(): Decorator {
  return check('isBudgetRho', (v) => typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= LedgerLimits.budgetRho, `must be a number above 0 and at most ${LedgerLimits.budgetRho}`, {
    type: 'number',
    exclusiveMinimum: true,
    minimum: 0,
    maximum: LedgerLimits.budgetRho,
  });
}

/** Planned quantities `{ column, quantity, rho }`: each column and quantity once, ρ above zero. */
export function IsPlannedQuantityList(): Decorator {
  const known: readonly unknown[] = LEDGER_DP_QUANTITIES;
  return check(
    'isPlannedQuantityList',
    (v) => {
      if (!Array.isArray(v) || v.length < 1 || v.length > LedgerLimits.quantities) return false;
      const seen = new Set<string>();
      return v.every((item: unknown) => {
        if (typeof item !== 'object' || item === null) return false;
        const { column, quantity, rho, ...rest } = item as Record<string, unknown>;
        const id = JSON.stringify([column, quantity]);
        const ok = Object.keys(rest).length === 0 && isText(column, 1, LedgerLimits.columnName, false) && known.includes(quantity) && typeof rho === 'number' && Number.isFinite(rho) && rho > 0 && !seen.has(id);
        seen.add(id);
        return ok;
      });
    },
    `must list 1-${LedgerLimits.quantities} { column, quantity (${LEDGER_DP_QUANTITIES.join(', ')}), rho > 0 }, each column and quantity once`,
    {
      type: 'array',
      minItems: 1,
      maxItems: LedgerLimits.quantities,
      items: {
        type: 'object',
        required: ['column', 'quantity', 'rho'],
        additionalProperties: false,
        properties: { column: COLUMN_NAME_SCHEMA, quantity: { type: 'string', enum: [...LEDGER_DP_QUANTITIES] }, rho: { type: 'number', exclusiveMinimum: true, minimum: 0 } },
      },
    },
  );
}
