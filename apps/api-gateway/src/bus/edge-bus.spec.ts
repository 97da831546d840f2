// The edge's deadlines, over real NATS: a call answered only after its ledger commit waits
// COMMIT_REQUEST_TIMEOUT_MS; a read keeps the bus's short deadline. The services behind the edge are
// stand-ins that answer late on purpose (a commit under load), so the deadline is what is tested.
import { generateKeyPairSync } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';
import { generateSigningKey, issueAccessToken, type SigningKey } from '@phdmf/auth';
import {
  AccountsGetJwks,
  AuthorizationDenyAccess,
  AuthorizationRevokeAccess,
  AuthorizationSetStance,
  NodeRegistryAdmitApplication,
  NodeRegistryGetApplication,
  NodeRegistryRejectApplication,
  NodeRegistryUpdateNode,
  type Role,
} from '@phdmf/contracts';
import { startService, provisionEventStream } from '@phdmf/messaging';
import { freePort, memoryLogger, TestNatsServer } from '@phdmf/testing';
import { AppModule } from '../app.module';
import { loadApiGatewayConfig } from '../config';
import { configureHttp } from '../edge/configure-http';

const READ_DEADLINE_MS = 300;
const COMMIT_DEADLINE_MS = 5_000;
/** How late the stand-in services answer: past the read deadline, well within the commit deadline. */
const LATE_MS = 1_200;

const MEMBER = 'm-edge-deadline';
const APPLICATION = '0b6a3f52-7f0e-4c55-9d2a-6f1f0c1f6a11';

describe('EdgeBus deadlines', () => {
  let nats: TestNatsServer;
  let services: NatsConnection;
  let app: INestApplication;
  let api: string;
  let key: SigningKey;
  const asked: string[] = [];

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    services = await connect({ servers: nats.url });
    key = await generateSigningKey();
    const answer = (subject: string, data: unknown, delayMs: number) => {
      services.subscribe(subject, {
        callback: (_error, msg) => {
          asked.push(subject);
          setTimeout(() => msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, data }))), delayMs);
        },
      });
    };
    answer(AccountsGetJwks.SUBJECT, { keys: [{ ...key.publicJwk, kty: 'OKP' }] }, 0);
    for (const subject of [NodeRegistryAdmitApplication.SUBJECT, NodeRegistryRejectApplication.SUBJECT, NodeRegistryGetApplication.SUBJECT, NodeRegistryUpdateNode.SUBJECT]) {
      answer(subject, { applicationId: APPLICATION, memberId: MEMBER }, LATE_MS);
    }
    for (const subject of [AuthorizationSetStance.SUBJECT, AuthorizationDenyAccess.SUBJECT, AuthorizationRevokeAccess.SUBJECT]) {
      answer(subject, { datasetId: 'ds-1', requestId: 'ar-1' }, LATE_MS);
    }
    await services.flush();

    const port = await freePort();
    const config = loadApiGatewayConfig({
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      LOG_LEVEL: 'silent',
      NATS_REQUEST_TIMEOUT_MS: String(READ_DEADLINE_MS),
      COMMIT_REQUEST_TIMEOUT_MS: String(COMMIT_DEADLINE_MS),
    });
    const { logger } = memoryLogger('api-gateway');
    app = await startService(AppModule.forRoot(config, logger), { logger, http: { host: '127.0.0.1', port }, configure: (a) => { configureHttp(a, config, logger); } });
    api = `http://127.0.0.1:${port}/api/v1`;
  });

  afterAll(async () => {
    await app.close();
    await services.close();
    await nats.dispose();
  });

  const token = (roles: Role[]) => issueAccessToken(key, { issuer: 'phdmf-accounts', audience: 'phdmf-api', userId: 'u-1', organisationId: MEMBER, roles, ttlSeconds: 300 });
  const call = async (method: string, path: string, roles: Role[], body?: unknown) => {
    const res = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${await token(roles)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string } } };
  };

  const nodePublicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
  // Every row has its five values: Jest takes a test function with more parameters than the row has
  // values for one that waits for `done()`.
  const committed: [string, string, string, Role[], unknown][] = [
    ['admit', 'POST', `/membership-applications/${APPLICATION}/admit`, ['consortium-admin'], undefined],
    ['reject', 'POST', `/membership-applications/${APPLICATION}/reject`, ['consortium-admin'], { reason: 'not a health institution' }],
    ['node change', 'PUT', `/institutions/${MEMBER}/node`, ['institution-admin'], { nodeId: 'node-2', endpoint: 'https://node-2.example.org:8443', nodePublicKey }],
    ['stance', 'PUT', '/market/datasets/ds-1/stance', ['institution-admin'], { stance: 'closed' }],
    ['deny', 'POST', '/access-requests/ar-1/deny', ['institution-admin'], { reason: 'outside our consent' }],
    ['revoke', 'POST', '/access-requests/ar-1/revoke', ['institution-admin'], { reason: 'consent withdrawn' }],
  ];

  it.each(committed)('waits for a late commit on %s (%s %s)', async (_what, method, path, roles, body) => {
    const res = await call(method, path, roles, body);
    expect(res).toMatchObject({ status: 200 });
  });

  it('answers a late read with 504 MESSAGING.TIMEOUT at the bus deadline', async () => {
    const res = await call('GET', `/membership-applications/${APPLICATION}`, ['consortium-admin']);
    expect(res.status).toBe(504);
    expect(res.body.error?.code).toBe('MESSAGING.TIMEOUT');
    expect(asked).toContain(NodeRegistryGetApplication.SUBJECT);
  });
});
