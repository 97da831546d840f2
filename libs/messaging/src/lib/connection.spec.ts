import { Controller, type INestApplication } from '@nestjs/common';
import { connect } from 'nats';
import { memoryLogger, TestNatsServer } from '@phdmf/testing';
import { Echo, type EchoPayload } from '../../test-support/fixture';
import { startService } from '../bootstrap';
import { MessagingModule } from '../messaging.module';
import { MessageBus } from '../rpc/message-bus';
import { HandleRequest } from '../rpc/handle-request.decorator';
import { NatsUnreachableError } from './connection';

@Controller()
class EchoController {
  @HandleRequest(Echo)
  echo(p: EchoPayload): { text: string } {
    return { text: p.text };
  }
}

/** A service of one request handler, on `url`, with its start deadline. */
function startEcho(url: string, startTimeoutMs: number, logger: ReturnType<typeof memoryLogger>['logger']): Promise<INestApplication> {
  return startService(
    {
      module: class EchoModule {},
      imports: [MessagingModule.forRoot({ service: 'accounts', version: 'test', servers: [url], requestTimeoutMs: 2_000, startTimeoutMs, logger, healthQuery: false })],
      controllers: [EchoController],
    },
    { logger },
  );
}

describe('a service started before NATS', () => {
  let nats: TestNatsServer | undefined;
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await nats?.dispose();
    nats = undefined;
  });

  it('keeps trying its first connection, logged, and is ready once NATS starts a few seconds later', async () => {
    nats = await TestNatsServer.reserve();
    const log = memoryLogger('accounts');
    const starting = startEcho(nats.url, 60_000, log.logger);
    let started = false;
    void starting.then(() => (started = true), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(started).toBe(false);
    const retries = log.lines().filter((l) => l.msg === 'NATS not reachable yet; trying again');
    expect(retries.length).toBeGreaterThanOrEqual(2);
    await nats.launch();
    app = await starting;
    // Ready: it answers a request (over its own connection and another client's).
    expect(await app.get(MessageBus).request(Echo, { text: 'late' })).toEqual({ text: 'late' });
    const nc = await connect({ servers: nats.url });
    try {
      const reply = await nc.request(Echo.subject, new TextEncoder().encode(JSON.stringify({ text: 'other' })), { timeout: 2_000 });
      expect(JSON.parse(new TextDecoder().decode(reply.data))).toEqual({ ok: true, data: { text: 'other' } });
    } finally {
      await nc.close();
    }
  }, 60_000);

  it('gives up at its start deadline with an error that says so, and starts nothing', async () => {
    nats = await TestNatsServer.reserve();
    const log = memoryLogger('accounts');
    const begin = Date.now();
    const failure = await startEcho(nats.url, 1_500, log.logger).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(NatsUnreachableError);
    expect((failure as NatsUnreachableError).message).toMatch(/not reachable within 1500 ms \(SERVICE_START_TIMEOUT_MS\)/);
    expect((failure as NatsUnreachableError).attempts).toBeGreaterThanOrEqual(3);
    expect(Date.now() - begin).toBeLessThan(10_000);
  }, 30_000);
});
