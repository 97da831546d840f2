import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, credsAuthenticator, ErrorCode, NatsError, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
import type { MessagingOptions } from './options';

export type NatsIdentity = Pick<MessagingOptions, 'credsFile' | 'nkeySeedFile' | 'inboxPrefix'>;

/**
 * The connection options that say who this process is: a credentials file (JWT + seed, a NATS
 * account set up by the platform team) or an NKey seed (a user of the server's own authorization
 * block), and the inbox prefix its permissions allow it to read replies on.
 */
export function identityOptions(identity: NatsIdentity): Partial<ConnectionOptions> {
  return {
    ...(identity.credsFile ? { authenticator: credsAuthenticator(readFileSync(identity.credsFile)) } : {}),
    ...(identity.nkeySeedFile && !identity.credsFile ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(identity.nkeySeedFile, 'utf8').trim())) } : {}),
    ...(identity.inboxPrefix && identity.inboxPrefix !== '_INBOX' ? { inboxPrefix: identity.inboxPrefix } : {}),
  };
}

/** How long a service waits for its first NATS connection when its config does not say (SERVICE_START_TIMEOUT_MS). */
export const DEFAULT_START_TIMEOUT_MS = 90_000;
/** The first retry's wait; each one after waits twice as long, up to FIRST_CONNECT_MAX_WAIT_MS. */
const FIRST_CONNECT_FIRST_WAIT_MS = 250;
const FIRST_CONNECT_MAX_WAIT_MS = 5_000;

/** The service's first connection to NATS did not succeed within its start deadline. */
export class NatsUnreachableError extends Error {
  constructor(
    readonly servers: string[],
    readonly attempts: number,
    readonly startTimeoutMs: number,
    readonly lastError: unknown,
  ) {
    super(`NATS (${servers.join(', ')}) not reachable within ${startTimeoutMs} ms (SERVICE_START_TIMEOUT_MS), ${attempts} attempts; last: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
    this.name = 'NatsUnreachableError';
  }
}

/** Errors that retrying cannot cure: this process' identity is refused. */
const REFUSED_IDENTITY: ReadonlySet<string> = new Set([ErrorCode.AuthorizationViolation, ErrorCode.AuthenticationExpired, ErrorCode.PermissionsViolation]);

/**
 * One NATS connection per process. The first connection is tried again, with a growing wait, until
 * `startTimeoutMs` (SERVICE_START_TIMEOUT_MS) has passed: services, NATS and the machine start
 * together, and a nats-server still starting, or slow to answer under the load of everything else
 * starting, must not stop a service (it used to: the first connect's timeout was an unhandled
 * rejection, exit 70). An identity NATS refuses is not retried. Once connected it reconnects
 * forever: a NATS restart is an outage to wait out, not a reason for a service to die and lose its
 * in-flight work.
 */
export async function connectNats(options: Pick<MessagingOptions, 'service' | 'servers' | 'logger' | 'startTimeoutMs'> & NatsIdentity): Promise<NatsConnection> {
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const deadline = Date.now() + startTimeoutMs;
  let wait = FIRST_CONNECT_FIRST_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(options);
    } catch (error) {
      const left = deadline - Date.now();
      if (error instanceof NatsError && REFUSED_IDENTITY.has(error.code)) throw error;
      if (left <= 0) throw new NatsUnreachableError(options.servers, attempt, startTimeoutMs, error);
      const retryInMs = Math.min(wait, left);
      options.logger.warn({ err: error, attempt, retryInMs, leftMs: left }, 'NATS not reachable yet; trying again');
      await sleep(retryInMs);
      wait = Math.min(wait * 2, FIRST_CONNECT_MAX_WAIT_MS);
    }
  }
}

async function connectOnce(options: Pick<MessagingOptions, 'service' | 'servers' | 'logger'> & NatsIdentity): Promise<NatsConnection> {
  const nc = await connect({
    servers: options.servers,
    name: `phdmf-${options.service}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: false,
    // Without this the client creates an Error, with its stack, for every request (to report a
    // timeout from the caller's frame): ~7% of the REST edge's CPU in bench/api. MessageBus turns
    // every transport failure into a coded PhdmfError naming the subject anyway.
    noAsyncTraces: true,
    ...identityOptions(options),
  });
  void (async () => {
    for await (const status of nc.status()) {
      options.logger.info({ natsStatus: status.type, data: typeof status.data === 'object' ? JSON.stringify(status.data) : status.data }, 'NATS connection status');
    }
  })();
  return nc;
}
