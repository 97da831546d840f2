import { ValidateBy } from 'class-validator';
import type { ApiPropertyOptions } from '@nestjs/swagger';
import { documented, type FieldDecorator } from '../../lib/documented';
import { LEDGER_ID_PATTERN, LedgerLimits } from '../../ledger/lib/validation';

/** A list of distinct dataset ids (ledger ids), at most as many as one analysis may record. */
export function IsDatasetIdList(): FieldDecorator {
  const schema: ApiPropertyOptions = { type: 'array', items: { type: 'string', pattern: LEDGER_ID_PATTERN.source }, minItems: 1, maxItems: LedgerLimits.grants, uniqueItems: true };
  return documented(ValidateBy({
    name: 'isDatasetIdList',
    validator: {
      validate: (v: unknown) =>
        Array.isArray(v) && v.length >= 1 && v.length <= LedgerLimits.grants && v.every((id) => typeof id === 'string' && LEDGER_ID_PATTERN.test(id)) && new Set(v).size === v.length,
      defaultMessage: () => `$property must be a list of 1-${LedgerLimits.grants} distinct dataset ids`,
    },
  }), schema);
}
