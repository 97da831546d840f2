import { IsIn, IsOptional } from 'class-validator';
import { defineQuery } from '../../../lib/contract';
import type { ApplicationStatus, ApplicationView } from '../../lib/views';

export const SUBJECT = 'phdmf.node-registry.qry.list-applications.v1';

/** Applications, newest first: all of them for a consortium admin, one's own otherwise. */
export class Payload {
  @IsOptional()
  @IsIn(['pending', 'admitted', 'rejected'])
  status?: ApplicationStatus;
}

export interface Result {
  applications: ApplicationView[];
}

export const CONTRACT = defineQuery<Payload, Result>(SUBJECT, Payload);
