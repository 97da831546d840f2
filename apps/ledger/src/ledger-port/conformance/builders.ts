// Builders for ledger test data: every builder returns a valid chaincode request (and a valid
// ledger command payload); tests override only the fields they are about. Ids are unique per call
// where a shared ledger (a Fabric network) would otherwise see them twice.
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { LedgerStatistic } from '@phdmf/contracts';

/** SHA-256 hex of a label: stable, readable fake hashes. */
export function sha(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

/** A short unique id with a readable prefix. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

let cachedPem: string | undefined;
/** A real SPKI PEM public key (Ed25519). */
export function publicKeyPem(): string {
  cachedPem ??= generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return cachedPem;
}

export interface AdmissionRequest {
  memberId: string;
  name: string;
  mspId: string;
  nodeId: string;
  nodePublicKey: string;
  endpoint: string;
}

export function admission(memberId: string, mspId: string, overrides: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    memberId,
    name: `Institution ${memberId}`,
    mspId,
    nodeId: `node-${memberId}`,
    nodePublicKey: publicKeyPem(),
    endpoint: `https://${memberId}.example.org:8443`,
    ...overrides,
  };
}

export interface DatasetVersionRequest {
  datasetId: string;
  version: number;
  fileName: string;
  sha256: string;
  rowCount: number;
  columnCount: number;
  schemaDigest: string;
  operator: string;
  description: string;
  name?: string;
  columns?: string[];
}

export function datasetVersion(overrides: Partial<DatasetVersionRequest> = {}): DatasetVersionRequest {
  const datasetId = overrides.datasetId ?? uniqueId('ds');
  const version = overrides.version ?? 1;
  return {
    datasetId,
    version,
    fileName: `${datasetId}-v${version}.csv`,
    sha256: sha(`${datasetId} v${version}`),
    rowCount: 120,
    columnCount: 3,
    schemaDigest: sha('schema age bmi sbp'),
    operator: 'staff-7f3a',
    description: `version ${version}`,
    name: 'Cardiology cohort',
    columns: ['age', 'bmi', 'sbp'],
    ...overrides,
  };
}

export interface AccessRequestRequest {
  requestId: string;
  datasetId: string;
  requester: string;
  requesterOrg?: string;
  purpose: string;
  columns: string[];
  statistics: LedgerStatistic[];
  requestedExpiry: string;
  privacyMode?: 'controlled' | 'dp';
  budgetRho?: number;
}

export function accessRequest(datasetId: string, overrides: Partial<AccessRequestRequest> = {}): AccessRequestRequest {
  return {
    requestId: uniqueId('req'),
    datasetId,
    requester: 'researcher-9c21',
    requesterOrg: 'uni-x',
    purpose: 'blood pressure by age band',
    columns: ['age', 'sbp'],
    statistics: ['count', 'mean', 'sd'],
    requestedExpiry: new Date(Date.now() + 365 * 24 * 3600 * 1000).toISOString(),
    ...overrides,
  };
}
