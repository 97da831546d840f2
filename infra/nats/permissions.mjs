#!/usr/bin/env node
// Who may use which NATS subjects: one declaration for every identity on the bus, rendered into the
// server's authorization block with one NKey user per identity. `npm start` writes it for the local
// server (infra/local/up.mjs); for Kubernetes, `node infra/nats/permissions.mjs <keys dir> <identity> …`
// creates the seeds and prints the same block for the `phdmf-nats-auth` Secret (k8s/README.md).
//
// The subjects are the contracts' (libs/contracts: `phdmf.<service>.cmd|qry.<name>.v<n>`, a site's
// `phdmf.storage.<nodeId>.…`, events `phdmf.evt.ledger.…` in the one JetStream stream PHDMF_EVENTS).
// A service may answer only its own subjects, call only the services it needs, publish only its own
// events, pull from and ack only its own durable consumer (which the platform creates: no identity
// but the operator manages JetStream), and read replies only under its own inbox prefix — so a
// compromised site cannot call the accounts service, read another service's replies (tokens,
// keys), pose as the ledger, or bend the event stream (add subjects to capture requests, seal it,
// republish it elsewhere).

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const STREAM = 'PHDMF_EVENTS';

/**
 * The central services and whom each calls (commands and queries of the callee). `consumes`: it has
 * a durable consumer, named after it; the same list as EVENT_CONSUMING_SERVICES in
 * libs/messaging/src/events/event-stream.ts (a test holds the two equal).
 */
const CENTRAL = {
  ledger: { calls: [], consumes: false, publishesEvents: true },
  accounts: { calls: [], consumes: false },
  'node-registry': { calls: ['accounts', 'ledger'], storage: ['qry.node-info.v1'], consumes: true },
  authorization: { calls: ['ledger'], consumes: true },
  aggregation: { calls: ['ledger'], storage: ['qry.summarize.v1', 'qry.model.v1'], consumes: false },
  'api-gateway': { calls: ['accounts', 'node-registry', 'authorization', 'aggregation'], queries: ['ledger'], consumes: false, idempotencyKeys: true },
};

/** The edge's Idempotency-Key bucket (libs/messaging/src/events/idempotency-bucket.ts), provisioned by the operator like the stream. */
const IDEMPOTENCY_BUCKET = 'PHDMF_IDEMPOTENCY';

/**
 * The keys of the idempotency bucket and nothing else: write them (a key-value put is a publish on
 * `$KV.<bucket>.<key>`), read one back, and the account-info call the client makes when it binds. No
 * right to create, change, purge or delete the bucket's stream.
 */
function idempotencyKeys(allowed) {
  if (!allowed) return [];
  return [`$KV.${IDEMPOTENCY_BUCKET}.>`, `$JS.API.STREAM.MSG.GET.KV_${IDEMPOTENCY_BUCKET}`, '$JS.API.INFO'];
}

/** The inbox prefix an identity reads its replies under (services get it as NATS_INBOX_PREFIX). */
export function inboxPrefixOf(identity) {
  return `_INBOX_${identity}`;
}

/** A storage site's identity on the bus: its node's storage service. */
export function siteIdentity(nodeId) {
  return `storage-${nodeId}`;
}

const requestsTo = (service) => [`phdmf.${service}.cmd.>`, `phdmf.${service}.qry.>`];

/**
 * JetStream: only the use of the identity's own durable consumer — look it up, pull from it, ack.
 * The stream and every durable are the platform's (libs/messaging/src/events/event-stream.ts, created
 * by `npm start` and the Kubernetes provision-events Job as the operator): no service or site may
 * create, update, delete, purge or seal the stream, nor create or change a consumer, its own included.
 * Publishing events into the stream is plain publishing on `phdmf.evt.<service>.>` (the ledger's).
 */
function jetStream(durable) {
  if (durable === undefined) return [];
  return [`$JS.API.CONSUMER.INFO.${STREAM}.${durable}`, `$JS.API.CONSUMER.MSG.NEXT.${STREAM}.${durable}`, `$JS.ACK.${STREAM}.${durable}.>`];
}

/**
 * The permissions of one identity: a central service's name, `storage-<nodeId>` for a storage site, or
 * `operator` (the start command and the platform's own tools: everything).
 */
export function permissionsFor(identity) {
  if (identity === 'operator') return { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } };
  const inbox = `${inboxPrefixOf(identity)}.>`;
  if (identity.startsWith('storage-')) {
    const nodeId = identity.slice('storage-'.length);
    return {
      // Its health over NATS is its own node-info query (`phdmf.storage.<nodeId>.qry.node-info.v1`).
      // Ledger writes only on its node's own subjects: the ledger signs those only for the member
      // that registered the node, so a site cannot act for another institution or the consortium.
      // No JetStream at all: a site neither consumes nor publishes events.
      publish: { allow: [`phdmf.ledger.node.${nodeId}.cmd.>`, 'phdmf.ledger.qry.>', 'phdmf.accounts.qry.jwks.v1'] },
      subscribe: { allow: [`phdmf.storage.${nodeId}.>`, inbox] },
      allow_responses: true,
    };
  }
  const service = CENTRAL[identity];
  if (service === undefined) throw new Error(`unknown NATS identity "${identity}": one of ${[...Object.keys(CENTRAL), 'storage-<nodeId>', 'operator'].join(', ')}`);
  return {
    publish: {
      allow: [
        ...service.calls.flatMap(requestsTo),
        ...(service.queries ?? []).map((s) => `phdmf.${s}.qry.>`),
        ...(service.storage ?? []).map((s) => `phdmf.storage.*.${s}`),
        // Its own health query, for the exec probe that runs with the service's identity.
        `phdmf.${identity}.qry.health.v1`,
        ...(service.publishesEvents ? [`phdmf.evt.${identity}.>`] : []),
        ...jetStream(service.consumes ? identity : undefined),
        ...idempotencyKeys(service.idempotencyKeys === true),
      ],
    },
    subscribe: { allow: [`phdmf.${identity}.>`, inbox] },
    allow_responses: true,
  };
}

/** Every identity the one-machine system runs, for its sites' node ids. */
export function identitiesOf(siteNodeIds) {
  return [...Object.keys(CENTRAL), ...siteNodeIds.map(siteIdentity), 'operator'];
}

/** The nats-server `authorization` block for `[{ identity, nkey }]` (nkey: the user's public key, U…). */
export function authorizationBlock(users) {
  const list = (subjects) => `[${subjects.map((s) => JSON.stringify(s)).join(', ')}]`;
  const user = ({ identity, nkey }) => {
    const p = permissionsFor(identity);
    return [
      `    # ${identity}`,
      '    {',
      `      nkey: ${JSON.stringify(nkey)}`,
      '      permissions: {',
      `        publish: { allow: ${list(p.publish.allow)} }`,
      `        subscribe: { allow: ${list(p.subscribe.allow)} }`,
      ...(p.allow_responses ? ['        allow_responses: true'] : []),
      '      }',
      '    }',
    ].join('\n');
  };
  return `# Written from infra/nats/permissions.mjs; one user per service, site and operator.\nauthorization {\n  users = [\n${users.map(user).join('\n')}\n  ]\n}\n`;
}

/**
 * Creates a user NKey for each identity that has none in `dir` (`<identity>.nk`, the seed, 0600) and
 * returns every identity with its public key. `nkeys` is the `nats` client's NKey module.
 */
export function ensureNatsUsers(dir, identities, nkeys) {
  mkdirSync(dir, { recursive: true });
  return identities.map((identity) => {
    permissionsFor(identity); // an unknown identity fails here, before any key is written
    const file = path.join(dir, `${identity}.nk`);
    if (!existsSync(file)) writeFileSync(file, `${new TextDecoder().decode(nkeys.createUser().getSeed())}\n`, { mode: 0o600 });
    return { identity, nkey: nkeys.fromSeed(new TextEncoder().encode(readFileSync(file, 'utf8').trim())).getPublicKey() };
  });
}

// CLI, for a deployment:
//   node infra/nats/permissions.mjs <keys dir> ledger accounts … storage-<nodeId> … operator > auth.conf
// writes the missing seeds into <keys dir> (one Secret each) and prints the server's block.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, ...identities] = process.argv.slice(2);
  if (dir === undefined || identities.length === 0) {
    process.stderr.write('usage: node infra/nats/permissions.mjs <keys dir> <identity> …   identities: ledger accounts node-registry authorization aggregation api-gateway storage-<nodeId> operator\n');
    process.exit(2);
  }
  try {
    const { nkeys } = createRequire(import.meta.url)('nats');
    process.stdout.write(authorizationBlock(ensureNatsUsers(dir, identities, nkeys)));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
