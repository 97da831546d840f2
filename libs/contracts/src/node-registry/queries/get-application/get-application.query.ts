import { IsUUID } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { ApplicationView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.qry.get-application.v1';

/** One application: for a consortium admin or its applicant. */
export class Payload {
  @IsUUID()
  applicationId!: string;
}

export type Result = ApplicationView;

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
