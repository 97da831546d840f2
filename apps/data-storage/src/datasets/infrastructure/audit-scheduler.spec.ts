import { createLogger } from '@phdmf/logging';
import type { StorageSettings } from '../../storage.settings';
import type { RunAuditHandler } from '../commands/run-audit/run-audit.handler';
import { DEFAULT_DISCLOSURE_POLICY } from '../domain/disclosure-policy';
import { AuditScheduler } from './audit-scheduler';

describe('AuditScheduler', () => {
  const settings = (auditIntervalMinutes: number): StorageSettings => ({
    nodeId: 'node-a',
    organisationId: 'hospital-a',
    storageDir: '',
    uploadMaxBytes: 1,
    uploadDirectIo: true,
    ledgerCommandTimeoutMs: 1_000,
    ledgerRetry: { minMs: 500, maxMs: 5_000 },
    auditIntervalMinutes,
    disclosure: DEFAULT_DISCLOSURE_POLICY,
    duckdb: { threads: 1, memoryLimit: '64MB' },
    summaryConcurrency: 1,
    summaryQueueSize: 8,
    modelSessions: { max: 4, idleSeconds: 60 },
  });

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs the audit every AUDIT_INTERVAL_MINUTES, keeps going after a failed run, and stops at shutdown', async () => {
    const execute = jest.fn().mockRejectedValueOnce(new Error('disk gone')).mockResolvedValue({});
    const scheduler = new AuditScheduler({ execute } as unknown as RunAuditHandler, settings(15), createLogger({ service: 'test', level: 'silent' }));
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(14 * 60_000);
    expect(execute).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(execute).toHaveBeenCalledTimes(1);
    expect(execute.mock.calls[0]?.[0]).toEqual('schedule');
    await jest.advanceTimersByTimeAsync(15 * 60_000);
    expect(execute).toHaveBeenCalledTimes(2);
    scheduler.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(60 * 60_000);
    expect(execute).toHaveBeenCalledTimes(2);
  });

  it('does nothing on a schedule of 0 (audits on demand only)', async () => {
    const execute = jest.fn();
    const scheduler = new AuditScheduler({ execute } as unknown as RunAuditHandler, settings(0), createLogger({ service: 'test', level: 'silent' }));
    scheduler.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(24 * 60 * 60_000);
    expect(execute).not.toHaveBeenCalled();
  });
});
