import { defineQuery } from '../../../lib/contract';
import type { LedgerChainVerification } from '../../lib/chain';

export const SUBJECT = 'phdmf.ledger.qry.verify-chain.v1';

/** Re-checks the stored chain (hash links, data hashes, signatures) and names the first block that fails. */
export class Payload {}

export type Result = LedgerChainVerification;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
