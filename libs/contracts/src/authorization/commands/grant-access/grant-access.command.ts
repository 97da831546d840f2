import { defineCommand } from '../../../lib/contract';
import { GrantDecisionFields } from '../../../ledger/lib/access-decisions';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.grant-access.v1';

/**
 * The owner institution's staff grant a pending request, possibly narrowing it (fewer columns or
 * statistics, an earlier expiry). Signed as their own organisation; answered once committed.
 */
export class Payload extends GrantDecisionFields {}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
