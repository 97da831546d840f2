import { defineQuery } from '../../../lib/contract';
import type { UserView } from '../../lib/views';

export const SUBJECT = 'phdmf.accounts.qry.get-current-user.v1';

/** The acting user's own account. */
export class Payload {}

export type Result = UserView;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
