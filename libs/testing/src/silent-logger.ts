import { createLogger, type Logger } from '@phdmf/logging';
import { Writable } from 'node:stream';

/** A real pino logger whose lines are kept in memory, so tests can assert what was logged. */
export function memoryLogger(service = 'test'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ service, level: 'debug', destination: stream });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim().length > 0)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
