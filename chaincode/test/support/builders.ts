// Builders for test data and a small consortium scenario. Every builder returns a valid request;
// tests override only the fields they are about.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { AccessContract, AuditContract, BudgetContract, ConsortiumContract, DatasetContract, parseChaincodeError } from '../../src';
import { FakeLedger } from './fake-ledger';

/** SHA-256 hex of a label: stable, readable fake hashes. */
export function sha(label: string): string {
  return createHash('sha256').update(label).digest('hex');
}

let cachedPem: string | undefined;
/** A real SPKI PEM public key (Ed25519). */
export function publicKeyPem(): string {
  cachedPem ??= generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return cachedPem;
}

export const GOVERNOR_MSP = 'ConsortiumMSP';
export const HOSPITAL_A = { memberId: 'hospital-a', name: 'Hospital A', mspId: 'HospitalAMSP', nodeId: 'node-a' } as const;
export const HOSPITAL_B = { memberId: 'hospital-b', name: 'Hospital B', mspId: 'HospitalBMSP', nodeId: 'node-b' } as const;

export function admission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    memberId: HOSPITAL_A.memberId,
    name: HOSPITAL_A.name,
    mspId: HOSPITAL_A.mspId,
    nodeId: HOSPITAL_A.nodeId,
    nodePublicKey: publicKeyPem(),
    endpoint: 'https://node-a.hospital-a.example:8443',
    ...overrides,
  };
}

export function datasetVersion(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    datasetId: 'ds-1',
    version: 1,
    fileName: 'cohort.csv',
    sha256: sha('cohort v1'),
    rowCount: 120,
    columnCount: 3,
    schemaDigest: sha('schema v1'),
    operator: 'staff-7f3a',
    description: 'first release',
    name: 'Cardiology cohort',
    columns: ['age', 'bmi', 'sbp'],
    columnTypes: ['numeric', 'numeric', 'numeric'],
    ...overrides,
  };
}

export function accessRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    requestId: 'req-1',
    datasetId: 'ds-1',
    requester: 'researcher-9c21',
    requesterOrg: 'uni-x',
    purpose: 'blood pressure by age band',
    columns: ['age', 'sbp'],
    statistics: ['count', 'mean', 'sd'],
    requestedExpiry: '2031-01-01T00:00:00Z',
    ...overrides,
  };
}

export function grantDecision(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { requestId: 'req-1', operator: 'reviewer-11', ...overrides };
}

export function analysis(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    analysisId: 'an-1',
    requester: 'researcher-9c21',
    grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: sha('cohort v1') }],
    statistics: ['mean'],
    columns: ['sbp'],
    resultHash: sha('result 1'),
    ...overrides,
  };
}

export function tamperFinding(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    findingId: 'finding-1',
    datasetId: 'ds-1',
    expectedSha256: sha('cohort v1'),
    foundSha256: sha('something else'),
    nodeId: HOSPITAL_A.nodeId,
    ...overrides,
  };
}

/** The four contracts and a fresh ledger. */
export function newWorld(): {
  ledger: FakeLedger;
  consortium: ConsortiumContract;
  dataset: DatasetContract;
  access: AccessContract;
  audit: AuditContract;
  budget: BudgetContract;
} {
  return {
    ledger: new FakeLedger(),
    consortium: new ConsortiumContract(),
    dataset: new DatasetContract(),
    access: new AccessContract(),
    audit: new AuditContract(),
    budget: new BudgetContract(),
  };
}

export type World = ReturnType<typeof newWorld>;

/** An initialized consortium with hospitals A and B admitted. */
export async function withMembers(world: World = newWorld()): Promise<World> {
  const { ledger, consortium } = world;
  await ledger.submit(consortium, 'initialize', { consortiumName: 'PHDMF demo' }, { msp: GOVERNOR_MSP });
  await ledger.submit(consortium, 'admitMember', admission(), { msp: GOVERNOR_MSP });
  await ledger.submit(
    consortium,
    'admitMember',
    admission({ ...HOSPITAL_B, endpoint: 'https://node-b.hospital-b.example:8443' }),
    { msp: GOVERNOR_MSP },
  );
  return world;
}

/** Members plus dataset ds-1 (version 1) of hospital A. */
export async function withDataset(world?: World): Promise<World> {
  const w = await withMembers(world);
  await w.ledger.submit(w.dataset, 'addDataset', datasetVersion(), { msp: HOSPITAL_A.mspId });
  return w;
}

/** Dataset plus pending request req-1 (submitted by the governor for the researcher). */
export async function withRequest(world?: World, overrides: Record<string, unknown> = {}): Promise<World> {
  const w = await withDataset(world);
  await w.ledger.submit(w.access, 'requestAccess', accessRequest(overrides), { msp: GOVERNOR_MSP });
  return w;
}

/** Request req-1 granted as requested by hospital A. */
export async function withGrant(world?: World, grantOverrides: Record<string, unknown> = {}): Promise<World> {
  const w = await withRequest(world);
  await w.ledger.submit(w.access, 'grantAccess', grantDecision(grantOverrides), { msp: HOSPITAL_A.mspId });
  return w;
}

/** Awaits a rejection and returns its parsed `{ code, message }` (failing if the message is not a coded error). */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error: unknown) {
    const parsed = parseChaincodeError(error instanceof Error ? error.message : String(error));
    if (parsed === undefined) throw new Error(`not a coded chaincode error: ${String(error)}`);
    return parsed;
  }
  throw new Error('expected the transaction to fail');
}
