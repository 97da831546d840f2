import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { STORAGE_SETTINGS, type StorageSettings } from '../../storage.settings';
import { RunAuditHandler } from '../commands/run-audit/run-audit.handler';
import { STORAGE_LOGGER } from '../storage.tokens';

/** Runs the integrity audit every AUDIT_INTERVAL_MINUTES (never two at once; 0 = on demand only). */
@Injectable()
export class AuditScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly runAudit: RunAuditHandler,
    @Inject(STORAGE_SETTINGS) private readonly settings: StorageSettings,
    @Inject(STORAGE_LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.settings.auditIntervalMinutes;
    if (minutes <= 0) return;
    this.timer = setInterval(() => {
      this.runAudit.execute('schedule').catch((error: unknown) => {
        this.log.error({ err: error }, 'scheduled integrity audit failed');
      });
    }, minutes * 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
