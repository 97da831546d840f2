// Prints the REST edge's OpenAPI document, built in-process from the controllers, with no running
// system: Nest's preview mode resolves the module graph without instantiating a provider, so nothing
// connects to NATS. The document is the one the edge serves at /api/v1/openapi.json (same function).
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@phdmf/logging';
import { AppModule } from '../../../apps/api-gateway/src/app.module';
import { loadApiGatewayConfig } from '../../../apps/api-gateway/src/config';
import { edgeOpenApiDocument, setEdgePrefix } from '../../../apps/api-gateway/src/edge/configure-http';

async function main(): Promise<void> {
  // Never dialled (preview mode): the configuration only has to be valid.
  const config = loadApiGatewayConfig({ NATS_URL: 'nats://127.0.0.1:1', LOG_LEVEL: 'silent' });
  const app = await NestFactory.create(AppModule.forRoot(config, createLogger({ service: 'api-gateway', level: 'silent' })), { preview: true, logger: false, abortOnError: false });
  setEdgePrefix(app);
  process.stdout.write(`${JSON.stringify(edgeOpenApiDocument(app), null, 2)}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
