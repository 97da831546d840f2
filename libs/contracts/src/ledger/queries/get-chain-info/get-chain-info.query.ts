import { defineQuery } from '../../../lib/contract';
import type { LedgerChainInfo } from '../../lib/chain';

export const SUBJECT = 'phdmf.ledger.qry.get-chain-info.v1';

/** The chain's height and current block hash. */
export class Payload {}

export type Result = LedgerChainInfo;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
