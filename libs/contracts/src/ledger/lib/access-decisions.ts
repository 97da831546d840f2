import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { OptionalField } from '../../lib/optional';
import type { LedgerPrivacyMode, LedgerStatistic } from './records';
import { IsBudgetRho, IsColumnList, IsIsoTime, IsLedgerId, IsLedgerText, IsPrivacyMode, IsStatisticList, LedgerLimits } from './validation';

/**
 * What an owner's grant says, as `access:grantAccess` takes it: the request and, optionally, a
 * narrower scope and a note. The authorization service's command and the ledger's share it, so
 * both edges validate a grant alike; the ledger's adds the reviewer (`operator`).
 */
export abstract class GrantDecisionFields {
  @IsLedgerId()
  requestId!: string;

  /** Defaults to the requested columns; may only narrow them. */
  @ApiProperty({ description: 'Narrow to these of the requested columns (default: all requested)' })
  @OptionalField()
  @IsColumnList()
  columns?: string[];

  /** Defaults to the requested statistics; may only narrow them. */
  @ApiProperty({
    description: 'Narrow to these of the requested statistics (default: all requested); they must include what they are computed from (`count`; `mean` with `variance` or `sd`), else 400 ACCESS.SCOPE_INCOMPLETE',
  })
  @OptionalField()
  @IsStatisticList()
  statistics?: LedgerStatistic[];

  /** Defaults to the requested expiry; may only be earlier. */
  @ApiProperty({ description: 'No later than the requested expiry (default: the requested expiry)' })
  @OptionalField()
  @IsIsoTime()
  expiresAt?: string;

  @ApiProperty({ description: 'A note to the requester (recorded on-chain)' })
  @OptionalField()
  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason?: string;

  /**
   * The owner's explicit choice that the grant covers later versions of the dataset too. Absent or
   * false: it covers only the version current when granted, and a later one needs a new grant.
   */
  @ApiProperty({
    default: false,
    description: 'Cover later versions of the dataset too. Default: the grant covers only the version current now; after an update the researcher is refused (403 ACCESS.VERSION_NOT_COVERED) until a new grant',
  })
  @OptionalField()
  @IsBoolean()
  followsUpdates?: boolean;

  /** The owner's choice of protection; defaults to what the researcher proposed, else `controlled`. */
  @ApiProperty({ description: 'controlled (disclosure control, the default) or dp (differential privacy with a budget ρ); defaults to what the researcher proposed' })
  @OptionalField()
  @IsPrivacyMode()
  privacyMode?: LedgerPrivacyMode;

  /** The zCDP budget ρ of a `dp` grant (defaults to the proposed one); at most the consortium's maximum. */
  @ApiProperty({ description: 'The zCDP budget ρ of a dp grant (defaults to the proposed one); at most the consortium maximum' })
  @OptionalField()
  @IsBudgetRho()
  budgetRho?: number;
}

/**
 * What an owner's refusal says, as `access:denyAccess` (a pending request) and `access:revokeAccess`
 * (a granted one) take it: the request and why. Shared like GrantDecisionFields: the authorization
 * service's two commands and the ledger's; the ledger's add the reviewer (`operator`).
 */
export abstract class RefusalDecisionFields {
  @IsLedgerId()
  requestId!: string;

  @ApiProperty({ description: 'Recorded on-chain and shown to the requester' })
  @IsLedgerText(LedgerLimits.reason, { multiline: true })
  reason!: string;
}
