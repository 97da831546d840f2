// connection.json (schema version 1, written by infra/fabric/network.sh up): where the peers are, and
// the client identity of each member organisation. Read and checked once at start; every problem is
// reported as CONFIG.INVALID naming the file and the field.
import { readFileSync } from 'node:fs';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';

export interface FabricPeerEndpoint {
  /** gRPC target, `host:port`. */
  endpoint: string;
  /** TLS server name to expect (grpc.ssl_target_name_override), if not the endpoint's host. */
  hostOverride?: string;
  /** PEM of the organisation's TLS CA. */
  tlsCACert: Buffer;
}

export interface FabricClientIdentity {
  name: string;
  certificate: Buffer;
  privateKeyPem: Buffer;
}

export interface FabricOrganisation {
  mspId: string;
  peer: FabricPeerEndpoint;
  /** The client identity (NodeOU `client`) the ledger service signs with for this MSP. */
  user: FabricClientIdentity;
}

export interface FabricConnectionProfile {
  file: string;
  channel: string;
  chaincode: string;
  chaincodePackageId: string;
  fabricVersion: string;
  organisations: FabricOrganisation[];
}

function invalid(file: string, problem: string): PhdmfError {
  return new PhdmfError(CommonErrorCode.CONFIG_INVALID, `FABRIC_CONNECTION_FILE ${file}: ${problem}`);
}

/** Reads and checks connection.json, including the certificate and key files it names. */
export function loadConnectionProfile(file: string): FabricConnectionProfile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw invalid(file, `cannot be read as JSON (${(error as Error).message}); start the network with infra/fabric/network.sh up, which writes it`);
  }
  if (!isObject(raw)) throw invalid(file, 'is not a JSON object');
  if (raw['schemaVersion'] !== 1) throw invalid(file, `schemaVersion must be 1 (found ${JSON.stringify(raw['schemaVersion'])})`);
  const channel = str(file, raw, 'channel');
  const chaincode = str(file, raw, 'chaincode');
  const chaincodePackageId = str(file, raw, 'chaincodePackageId');
  const fabricVersion = typeof raw['fabricVersion'] === 'string' ? raw['fabricVersion'] : 'unknown';
  const orgs = raw['organizations'];
  if (!Array.isArray(orgs) || orgs.length === 0) throw invalid(file, '"organizations" must be a non-empty array');
  const organisations = orgs.map((org: unknown, index) => {
    const at = `organizations[${index}]`;
    if (!isObject(org)) throw invalid(file, `${at} is not an object`);
    const mspId = str(file, org, 'mspId', at);
    const peer = org['peer'];
    const user = org['user'];
    if (!isObject(peer)) throw invalid(file, `${at}.peer is missing`);
    if (!isObject(user)) throw invalid(file, `${at}.user is missing`);
    const hostOverride = peer['hostOverride'];
    return {
      mspId,
      peer: {
        endpoint: str(file, peer, 'endpoint', `${at}.peer`),
        ...(typeof hostOverride === 'string' && hostOverride !== '' ? { hostOverride } : {}),
        tlsCACert: readPem(file, str(file, peer, 'tlsCACertPath', `${at}.peer`), `${at}.peer.tlsCACertPath`),
      },
      user: {
        name: str(file, user, 'name', `${at}.user`),
        certificate: readPem(file, str(file, user, 'certPath', `${at}.user`), `${at}.user.certPath`),
        privateKeyPem: readPem(file, str(file, user, 'keyPath', `${at}.user`), `${at}.user.keyPath`),
      },
    };
  });
  const seen = new Set<string>();
  for (const org of organisations) {
    if (seen.has(org.mspId)) throw invalid(file, `MSP "${org.mspId}" appears twice in "organizations"`);
    seen.add(org.mspId);
  }
  return { file, channel, chaincode, chaincodePackageId, fabricVersion, organisations };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(file: string, object: Record<string, unknown>, key: string, at = ''): string {
  const value = object[key];
  if (typeof value !== 'string' || value === '') throw invalid(file, `${at === '' ? '' : `${at}.`}${key} must be a non-empty string`);
  return value;
}

function readPem(file: string, path: string, field: string): Buffer {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    throw invalid(file, `${field} ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!pem.toString('utf8').includes('-----BEGIN ')) throw invalid(file, `${field} ${path} is not PEM`);
  return pem;
}
