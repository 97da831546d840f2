import { defineCommand } from '../../../lib/contract';
import { RefusalDecisionFields } from '../../../ledger/lib/access-decisions';
import type { AccessRequestView } from '../../lib/views';

export const SUBJECT = 'phdmf.authorization.cmd.deny-access.v1';

/** The owner institution's staff deny a pending request, with a reason. Answered once committed. */
export class Payload extends RefusalDecisionFields {}

export type Result = AccessRequestView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
