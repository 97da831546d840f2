// Institutions and their nodes: the registry's list, an admin's change of the node (on-chain), and
// the connection test (the node-info query addressed to that node alone).
import type { components } from '@phdmf/client';
import { api, call } from '../../api/client';

export type Institution = components['schemas']['InstitutionResponse'];
export type ConnectionTest = components['schemas']['ConnectionTestResponse'];

export function listInstitutions(cursor: string | undefined) {
  return call(api.GET('/api/v1/institutions', { params: { query: cursor ? { cursor } : {} } }));
}

export function testConnection(memberId: string): Promise<ConnectionTest> {
  return call(api.POST('/api/v1/institutions/{memberId}/node/connection-test', { params: { path: { memberId } } }));
}

export function updateNode(memberId: string, node: { nodeId: string; endpoint: string; nodePublicKey: string }): Promise<Institution> {
  return call(api.PUT('/api/v1/institutions/{memberId}/node', { params: { path: { memberId } }, body: node }));
}
