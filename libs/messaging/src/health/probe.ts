// A health probe for services that have no HTTP port (every service but the REST edge and the
// storage node's local API answers only over NATS). Kubernetes runs it as an exec probe:
//
//   node dist/libs/messaging/src/health/probe.js <service>
//
// It asks the service's own health query (`phdmf.<service>.qry.health.v1`) with the same
// NATS_URL / NATS_CREDS_FILE the service uses, and exits 0 only when an instance answers "up".
// A probe that only checked the process would keep a service that lost its database or NATS
// subscription in rotation; this one asks the service what its own indicators say.
import { connect } from 'nats';
import { GetHealth, isServiceName, PhdmfError, type ServiceName } from '@phdmf/contracts';
import { MessageBus } from '../rpc/message-bus';
import { identityOptions, type NatsIdentity } from '../lib/connection';
import type { MessagingOptions } from '../lib/options';

/** What a probe found: `ok` only when the service answered and reported itself up. */
export interface ProbeOutcome {
  ok: boolean;
  /** One line for the probe's output (Kubernetes shows it in the pod's events). */
  message: string;
}

export interface ProbeOptions extends NatsIdentity {
  servers: string;
  timeoutMs: number;
}

/** Asks one service's health query once. Never throws: every failure is an outcome with a reason. */
export async function probeHealth(service: ServiceName, options: ProbeOptions): Promise<ProbeOutcome> {
  let nc;
  try {
    nc = await connect({
      servers: options.servers.split(','),
      name: `phdmf-probe-${service}`,
      timeout: options.timeoutMs,
      ...identityOptions(options),
    });
  } catch (error) {
    return { ok: false, message: `${service}: cannot reach NATS at ${options.servers}: ${error instanceof Error ? error.message : String(error)}` };
  }
  try {
    const bus = new MessageBus(nc, { requestTimeoutMs: options.timeoutMs } as MessagingOptions);
    const health = await bus.request(GetHealth.contractFor(service), {});
    const down = Object.entries(health.checks)
      .filter(([, status]) => status === 'down')
      .map(([name]) => name);
    return health.status === 'up'
      ? { ok: true, message: `${service}: up (version ${health.version})` }
      : { ok: false, message: `${service}: down (${down.length > 0 ? `failing checks: ${down.join(', ')}` : 'no check reported'})` };
  } catch (error) {
    const code = error instanceof PhdmfError ? `${error.code}: ` : '';
    return { ok: false, message: `${service}: ${code}${error instanceof Error ? error.message : String(error)}` };
  } finally {
    await nc.close();
  }
}

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const service = argv[0];
  if (service === undefined || !isServiceName(service)) {
    process.stderr.write(`usage: probe.js <service>   (one of the PHDMF services; got ${service ?? 'nothing'})\n`);
    return 2;
  }
  if (service === 'data-storage') {
    // Sites answer no shared health subject (any one could answer for another).
    process.stderr.write('a storage site has no NATS health query: probe its HTTP /health, or ask its node-info query (phdmf.storage.<nodeId>.qry.node-info.v1)\n');
    return 2;
  }
  const servers = env.NATS_URL;
  if (servers === undefined || servers === '') {
    process.stderr.write('NATS_URL is not set: the probe uses the same NATS settings as the service\n');
    return 2;
  }
  const outcome = await probeHealth(service, {
    servers,
    ...(env.NATS_CREDS_FILE ? { credsFile: env.NATS_CREDS_FILE } : {}),
    ...(env.NATS_NKEY_SEED_FILE ? { nkeySeedFile: env.NATS_NKEY_SEED_FILE } : {}),
    ...(env.NATS_INBOX_PREFIX ? { inboxPrefix: env.NATS_INBOX_PREFIX } : {}),
    timeoutMs: Number(env.PROBE_TIMEOUT_MS ?? 3_000),
  });
  (outcome.ok ? process.stdout : process.stderr).write(`${outcome.message}\n`);
  return outcome.ok ? 0 : 1;
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
