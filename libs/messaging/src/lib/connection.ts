import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, nkeyAuthenticator, type ConnectionOptions, type NatsConnection } from 'nats';
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

/**
 * One NATS connection per process. It reconnects forever: a NATS restart is an outage to wait
 * out, not a reason for a service to die and lose its in-flight work.
 */
export async function connectNats(options: Pick<MessagingOptions, 'service' | 'servers' | 'logger'> & NatsIdentity): Promise<NatsConnection> {
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
