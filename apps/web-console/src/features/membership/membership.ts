// Joining the consortium: an application (a researcher who heads a new institution), and the
// consortium admin's admission (committed on-chain) or rejection.
import type { components } from '@phdmf/client';
import { api, call } from '../../api/client';

export type Application = components['schemas']['ApplicationResponse'];

export interface ApplicationInput {
  name: string;
  contactName: string;
  contactEmail: string;
  nodeId: string;
  endpoint: string;
  nodePublicKey: string;
}

export function apply(input: ApplicationInput): Promise<Application> {
  return call(api.POST('/api/v1/membership-applications', { body: input }));
}

export function listApplications(cursor: string | undefined) {
  return call(api.GET('/api/v1/membership-applications', { params: { query: cursor ? { cursor } : {} } }));
}

export function admit(applicationId: string): Promise<Application> {
  return call(api.POST('/api/v1/membership-applications/{applicationId}/admit', { params: { path: { applicationId } } }));
}

export function reject(applicationId: string, reason: string): Promise<Application> {
  return call(api.POST('/api/v1/membership-applications/{applicationId}/reject', { params: { path: { applicationId } }, body: { reason } }));
}
