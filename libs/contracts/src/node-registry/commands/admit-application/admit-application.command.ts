import { IsUUID } from 'class-validator';
import { defineCommand } from '../../../lib/contract';
import type { ApplicationView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.cmd.admit-application.v1';

/** A consortium admin admits an application: answered once the admission is committed on-chain. */
export class Payload {
  @IsUUID()
  applicationId!: string;
}

export type Result = ApplicationView;

export const CONTRACT = defineCommand<Payload, Result>(SUBJECT, Payload);
