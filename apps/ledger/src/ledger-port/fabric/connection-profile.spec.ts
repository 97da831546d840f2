// LEDGER_ADAPTER=fabric is checked at start: a missing or unusable connection.json, or a governing
// MSP it holds no identity for, stops the service with CONFIG.INVALID naming the problem. Needs no
// Fabric network (the adapter makes no call until the first request).
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommonErrorCode, PhdmfError } from '@phdmf/contracts';
import { createLogger } from '@phdmf/logging';
import { tempDir } from '@phdmf/testing';
import { loadLedgerConfig } from '../../config';
import { createLedgerPort } from '../create-ledger-port';
import { loadConnectionProfile } from './connection-profile';
import { openPeerConnectionCount } from './peer-connections';

const silent = createLogger({ service: 'ledger', level: 'silent' });
const dir = tempDir('phdmf-fabric-profile-');
afterAll(() => {
  dir.remove();
});

const FAKE_CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function writeProfile(name: string, mutate: (profile: Record<string, unknown>) => void = () => undefined): string {
  const base = join(dir.dir, name);
  mkdirSync(base, { recursive: true });
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(join(base, 'ca.crt'), FAKE_CERT);
  writeFileSync(join(base, 'cert.pem'), FAKE_CERT);
  writeFileSync(join(base, 'priv_sk'), key);
  const org = (mspId: string, port: number) => ({
    mspId,
    peer: { endpoint: `127.0.0.1:${port}`, hostOverride: `peer0.${mspId}.test`, tlsCACertPath: join(base, 'ca.crt') },
    user: { name: `User1@${mspId}`, certPath: join(base, 'cert.pem'), keyPath: join(base, 'priv_sk') },
  });
  const profile: Record<string, unknown> = {
    schemaVersion: 1,
    fabricVersion: '2.5.6',
    channel: 'phdmf',
    chaincode: 'phdmf',
    chaincodePackageId: 'phdmf_1.0:abc',
    organizations: [org('Org1MSP', 1), org('Org2MSP', 2)],
  };
  mutate(profile);
  const file = join(base, 'connection.json');
  writeFileSync(file, JSON.stringify(profile));
  return file;
}

const fabricConfig = (env: Record<string, string>) => loadLedgerConfig({ NATS_URL: 'nats://127.0.0.1:4222', LEDGER_ADAPTER: 'fabric', LEDGER_GOVERNOR_MSP: 'Org1MSP', ...env });

async function startError(env: Record<string, string>): Promise<PhdmfError> {
  const error = await createLedgerPort(fabricConfig(env), silent).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PhdmfError);
  expect(error).toMatchObject({ code: CommonErrorCode.CONFIG_INVALID });
  return error as PhdmfError;
}

describe('LEDGER_ADAPTER=fabric configuration', () => {
  it('needs FABRIC_CONNECTION_FILE', async () => {
    expect((await startError({})).message).toContain('FABRIC_CONNECTION_FILE');
  });

  it('names a connection file that is missing or not JSON', async () => {
    expect((await startError({ FABRIC_CONNECTION_FILE: join(dir.dir, 'nope.json') })).message).toMatch(/nope\.json: cannot be read/);
    const notJson = join(dir.dir, 'not.json');
    writeFileSync(notJson, '{');
    expect((await startError({ FABRIC_CONNECTION_FILE: notJson })).message).toContain('cannot be read as JSON');
  });

  it('names the field that is wrong', async () => {
    const version = writeProfile('version', (p) => (p['schemaVersion'] = 2));
    expect((await startError({ FABRIC_CONNECTION_FILE: version })).message).toContain('schemaVersion must be 1');
    const noChannel = writeProfile('channel', (p) => delete p['channel']);
    expect((await startError({ FABRIC_CONNECTION_FILE: noChannel })).message).toContain('channel must be a non-empty string');
    const missingKey = writeProfile('key', (p) => {
      ((p['organizations'] as { user: { keyPath: string } }[])[1] as { user: { keyPath: string } }).user.keyPath = '/nonexistent/priv_sk';
    });
    expect((await startError({ FABRIC_CONNECTION_FILE: missingKey })).message).toContain('organizations[1].user.keyPath /nonexistent/priv_sk cannot be read (ENOENT)');
    const twice = writeProfile('twice', (p) => {
      const orgs = p['organizations'] as unknown[];
      orgs.push(orgs[0]);
    });
    expect((await startError({ FABRIC_CONNECTION_FILE: twice })).message).toContain('MSP "Org1MSP" appears twice');
  });

  it('refuses a governing MSP the file holds no identity for', async () => {
    const file = writeProfile('ok');
    const error = await startError({ FABRIC_CONNECTION_FILE: file, LEDGER_GOVERNOR_MSP: 'ConsortiumMSP' });
    expect(error.message).toContain('LEDGER_GOVERNOR_MSP=ConsortiumMSP has no client identity');
    expect(error.message).toContain('Org1MSP, Org2MSP');
  });

  it('opens the adapter from a valid file without calling the network, one connection per peer, all released on close', async () => {
    const file = writeProfile('valid');
    expect(loadConnectionProfile(file).organisations.map((o) => o.mspId)).toEqual(['Org1MSP', 'Org2MSP']);
    const before = openPeerConnectionCount();
    const ledger = await createLedgerPort(fabricConfig({ FABRIC_CONNECTION_FILE: file }), silent);
    expect(ledger.adapter).toBe('fabric');
    expect(openPeerConnectionCount()).toBe(before + 2);
    await ledger.close();
    await ledger.close();
    expect(openPeerConnectionCount()).toBe(before);
  });
});
