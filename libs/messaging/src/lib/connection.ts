import { readFileSync } from 'node:fs';
import { connect, credsAuthenticator, type NatsConnection } from 'nats';
import type { MessagingOptions } from './options';

/**
 * One NATS connection per process. It reconnects forever: a NATS restart is an outage to wait
 * out, not a reason for a service to die and lose its in-flight work.
 */
export async function connectNats(options: Pick<MessagingOptions, 'service' | 'servers' | 'credsFile' | 'logger'>): Promise<NatsConnection> {
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
    ...(options.credsFile ? { authenticator: credsAuthenticator(readFileSync(options.credsFile)) } : {}),
  });
  void (async () => {
    for await (const status of nc.status()) {
      options.logger.info({ natsStatus: status.type, data: typeof status.data === 'object' ? JSON.stringify(status.data) : status.data }, 'NATS connection status');
    }
  })();
  return nc;
}
