import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createLogger } from '@phdmf/logging';
import { tempDir } from '@phdmf/testing';
import type { StorageSettings } from '../../../storage.settings';
import { KeyedLock } from '../../application/keyed-lock';
import type { LedgerIntents } from '../../application/ledger-intents';
import { DEFAULT_DISCLOSURE_POLICY } from '../../domain/disclosure-policy';
import { SummaryEngine } from '../../infrastructure/engine/summary-engine';
import { FileStore } from '../../infrastructure/files/file-store';
import type { DatasetRepository } from '../../infrastructure/persistence/dataset.repository';
import type { LedgerIntentRepository } from '../../infrastructure/persistence/ledger-intent.repository';
import { UploadDatasetHandler } from './upload-dataset.handler';

/** Every file under a directory. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [e.name]));
}

describe('UploadDatasetHandler', () => {
  let tmp: ReturnType<typeof tempDir>;
  let files: FileStore;
  const settings: StorageSettings = {
    nodeId: 'node-a',
    organisationId: 'hospital-a',
    storageDir: '',
    uploadMaxBytes: 1_000_000,
    uploadDirectIo: true,
    ledgerCommandTimeoutMs: 1_000,
    ledgerRetry: { minMs: 500, maxMs: 5_000 },
    auditIntervalMinutes: 0,
    disclosure: DEFAULT_DISCLOSURE_POLICY,
    duckdb: { threads: 1, memoryLimit: '64MB' },
    summaryConcurrency: 1,
    summaryQueueSize: 8,
    modelSessions: { max: 4, idleSeconds: 60 },
  };
  const user = { userId: 'alice-1', organisationId: 'hospital-a', roles: ['member' as const] };
  const intents = { drain: jest.fn() } as unknown as LedgerIntents;
  const owed = { add: jest.fn() } as unknown as LedgerIntentRepository;

  // The real engine: an upload reads each numeric column's range for its default histogram grid.
  let engine: SummaryEngine;
  beforeAll(async () => {
    engine = await SummaryEngine.open(settings.duckdb);
  });
  afterAll(() => {
    engine.close();
  });

  beforeEach(async () => {
    tmp = tempDir('phdmf-upload-handler-');
    files = new FileStore(tmp.dir);
    await files.open();
  });

  afterEach(() => {
    tmp.remove();
  });

  function handler(datasets: Partial<DatasetRepository>): UploadDatasetHandler {
    return new UploadDatasetHandler(datasets as DatasetRepository, intents, owed, files, new KeyedLock(), engine, settings, createLogger({ service: 'test', level: 'silent' }));
  }

  it('leaves no file when the database refuses the record', async () => {
    const datasets: Partial<DatasetRepository> = {
      fork: () => ({ transactional: () => Promise.reject(new Error('disk I/O error')) }) as never,
      hashInUse: () => Promise.resolve(false),
      versions: () => Promise.resolve([]),
    };
    await expect(handler(datasets).execute(user, Readable.from([Buffer.from('a,b\n1,2\n')]), { description: '', fileName: 'x.csv' })).rejects.toThrow('disk I/O error');
    expect(filesUnder(files.objectsDir)).toEqual([]);
    expect(filesUnder(files.tmpDir)).toEqual([]);
  });

  it('keeps a file another dataset shares when the record fails', async () => {
    const datasets: Partial<DatasetRepository> = {
      fork: () => ({ transactional: () => Promise.reject(new Error('disk I/O error')) }) as never,
      hashInUse: () => Promise.resolve(true),
    };
    await expect(handler(datasets).execute(user, Readable.from([Buffer.from('a,b\n1,2\n')]), { description: '', fileName: 'x.csv' })).rejects.toThrow();
    expect(filesUnder(files.objectsDir)).toHaveLength(1);
  });

  it('refuses an invalid CSV before touching the database, leaving no file', async () => {
    const fork = jest.fn();
    await expect(handler({ fork }).execute(user, Readable.from([Buffer.from('a,b\n1\n')]), { description: '', fileName: 'x.csv' })).rejects.toMatchObject({
      code: 'STORAGE.CSV_INVALID',
      message: 'line 2: expected 2 fields (as in the header), found 1',
    });
    expect(fork).not.toHaveBeenCalled();
    expect(filesUnder(files.objectsDir)).toEqual([]);
    expect(filesUnder(files.tmpDir)).toEqual([]);
  });

  it('refuses an upload whose declared length is over the limit before reading it', async () => {
    const body = new Readable({
      read() {
        throw new Error('must not be read');
      },
    });
    await expect(handler({}).execute(user, body, { description: '', fileName: 'x.csv', declaredLength: 2_000_000 })).rejects.toMatchObject({ code: 'STORAGE.TOO_LARGE' });
  });
});
