// Provisions the event stream and every durable consumer (event-stream.ts), as the platform's
// operator identity: the Kubernetes provision-events Job runs it before and at every rollout,
//
//   node dist/libs/messaging/src/events/provision.js
//
// with NATS_URL and the operator's NATS_NKEY_SEED_FILE (or NATS_CREDS_FILE). Services cannot do it
// themselves: their NATS users hold no JetStream management right (infra/nats/permissions.mjs).
// It waits for NATS and JetStream (a cluster elects its JetStream leader after the pods start) up
// to PROVISION_TIMEOUT_MS, and prints one line per stream and durable: created, updated, unchanged.
import { connect } from 'nats';
import { identityOptions } from '../lib/connection';
import { IDEMPOTENCY_BUCKET } from './idempotency-bucket';
import { EVENT_STREAM, provisionEventStream, ProvisioningRefused, type ProvisionReport } from './event-stream';

const REFUSALS = new Set<unknown>(['PERMISSIONS_VIOLATION', 'AUTHORIZATION_VIOLATION']);

async function provisionOnce(servers: string[], env: NodeJS.ProcessEnv): Promise<ProvisionReport> {
  const nc = await connect({
    servers,
    name: 'phdmf-provision-events',
    timeout: 5_000,
    ...identityOptions({
      ...(env.NATS_CREDS_FILE ? { credsFile: env.NATS_CREDS_FILE } : {}),
      ...(env.NATS_NKEY_SEED_FILE ? { nkeySeedFile: env.NATS_NKEY_SEED_FILE } : {}),
      ...(env.NATS_INBOX_PREFIX ? { inboxPrefix: env.NATS_INBOX_PREFIX } : {}),
    }),
  });
  try {
    return await provisionEventStream(nc);
  } finally {
    await nc.close();
  }
}

async function main(env: NodeJS.ProcessEnv): Promise<number> {
  const servers = env.NATS_URL;
  if (servers === undefined || servers === '') {
    process.stderr.write('NATS_URL is not set: provisioning connects to the NATS the services use, as the operator (NATS_NKEY_SEED_FILE or NATS_CREDS_FILE)\n');
    return 2;
  }
  const deadline = Date.now() + Number(env.PROVISION_TIMEOUT_MS ?? 120_000);
  for (;;) {
    try {
      const report = await provisionOnce(servers.split(','), env);
      process.stdout.write(`stream ${EVENT_STREAM.name}: ${report.stream}\n`);
      for (const [durable, outcome] of Object.entries(report.consumers)) process.stdout.write(`durable ${durable}: ${outcome}\n`);
      process.stdout.write(`key-value bucket ${IDEMPOTENCY_BUCKET.name}: ${report.idempotencyBucket}\n`);
      return 0;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Waiting helps an outage, not a refusal: a stream to repair by hand, or an identity that may not manage JetStream.
      const permanent = error instanceof ProvisioningRefused || REFUSALS.has((error as { code?: unknown }).code);
      if (permanent || Date.now() > deadline) {
        process.stderr.write(`provisioning the event stream failed: ${reason}\n`);
        return 1;
      }
      process.stderr.write(`provisioning the event stream: ${reason}; retrying\n`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

if (require.main === module) {
  void main(process.env).then((code) => process.exit(code));
}
