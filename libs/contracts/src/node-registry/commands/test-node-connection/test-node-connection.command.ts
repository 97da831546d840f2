import { defineCommand } from '../../../lib/contract';
import { IsLedgerId } from '../../../ledger/lib/validation';
import type { ConnectionTestResult } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.cmd.test-node-connection.v1';

/**
 * Reaches the member's storage node over NATS and reports what it found. A command (not a query):
 * it records the outcome and the heartbeat. An unreachable node is a result, not an error.
 */
export class Payload {
  @IsLedgerId()
  memberId!: string;
}

export type Result = ConnectionTestResult;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
