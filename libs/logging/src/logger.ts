import type { LoggerService, LogLevel as NestLogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { Correlation } from './correlation';

export type LogLevel = LevelWithSilent;

export interface LoggerOptions {
  service: string;
  level: LogLevel;
  /** Defaults to stdout; tests pass a stream to read what was logged. */
  destination?: pino.DestinationStream;
}

/**
 * One JSON line per event, with the service name and the correlation id of the work in progress.
 * Personal data never goes into a log: callers log ids and codes, not payloads.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const scope = Correlation.current();
        // The trace of the work in progress (libs/observability), so a log line leads to its trace.
        const span = trace.getActiveSpan();
        const traced = span?.isRecording() ? { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId } : {};
        return scope ? { correlationId: scope.correlationId, ...traced } : traced;
      },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** Routes NestJS's own log calls into the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, traceOrContext?: string, context?: string): void {
    // Nest passes (message, stack, context) for errors and (message, context) otherwise.
    const ctx = context ?? traceOrContext;
    const stack = context === undefined ? undefined : traceOrContext;
    if (message instanceof Error) {
      this.logger.error({ context: ctx, err: message }, message.message);
      return;
    }
    this.logger.error({ context: ctx, stack }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }
  setLogLevels(_levels: NestLogLevel[]): void {
    // The level is set once from configuration; Nest's per-level toggles are not used.
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, context?: string): void {
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...(message as Record<string, unknown>) });
      return;
    }
    this.logger[level]({ context }, String(message));
  }
}
