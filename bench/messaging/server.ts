// The server side of bench/messaging, in its own process (one core for the server, one for the
// client): a raw `nats` responder and a NestJS service with the PHDMF transport, side by side.
import 'reflect-metadata';
import { Controller } from '@nestjs/common';
import { connect } from 'nats';
import { createLogger } from '@phdmf/logging';
import { HandleRequest, MessagingModule, startService } from '@phdmf/messaging';
import { initTracing } from '@phdmf/observability';
import { BenchEcho, RAW_SUBJECT, type EchoPayload } from './contracts';

@Controller()
class EchoController {
  @HandleRequest(BenchEcho)
  echo(p: EchoPayload): EchoPayload {
    return p;
  }
}

async function main(): Promise<void> {
  const url = process.env.NATS_URL;
  if (!url) throw new Error('NATS_URL is required');
  // With OTEL_EXPORTER_OTLP_ENDPOINT set, as a service would run traced (runService does the same).
  const otlpEndpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (otlpEndpoint) initTracing({ service: 'bench-server', version: 'bench', otlpEndpoint });
  const raw = await connect({ servers: url });
  raw.subscribe(RAW_SUBJECT, {
    callback: (_err, msg) => {
      // What a hand-written service would do at minimum: decode, encode, respond.
      const body = JSON.parse(new TextDecoder().decode(msg.data)) as EchoPayload;
      msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, data: body })));
    },
  });
  const logger = createLogger({ service: 'accounts', level: 'warn' });
  await startService(
    {
      module: class BenchModule {},
      imports: [MessagingModule.forRoot({ service: 'accounts', version: 'bench', servers: [url], requestTimeoutMs: 10_000, logger })],
      controllers: [EchoController],
    },
    { logger },
  );
  process.stdout.write('READY\n');
}

void main();
