import { Inject, Injectable, type DynamicModule, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { BusJwksSource, TokenVerifier, type JwksSource, type TokenVerifierOptions } from '@phdmf/auth';
import { MessageBus } from '@phdmf/messaging';
import type { Logger } from '@phdmf/logging';
import { STORAGE_SETTINGS, type StorageSettings } from '../storage.settings';
import { LedgerIntents } from './application/ledger-intents';
import { DeleteDatasetHandler } from './commands/delete-dataset/delete-dataset.handler';
import { ReleaseDatasetHandler } from './commands/release-dataset/release-dataset.handler';
import { RunAuditHandler } from './commands/run-audit/run-audit.handler';
import { UploadDatasetHandler } from './commands/upload-dataset/upload-dataset.handler';
import { AuditScheduler } from './infrastructure/audit-scheduler';
import { LedgerIntentWorker } from './infrastructure/ledger-intent-worker';
import { NodeStartup } from './infrastructure/node-startup';
import { SummaryEngine } from './infrastructure/engine/summary-engine';
import { FileStore } from './infrastructure/files/file-store';
import { HttpErrorFilter } from './infrastructure/http/http-error.filter';
import { LocalApiController, LocalAuditController } from './infrastructure/http/local-api.controller';
import { LocalUserGuard } from './infrastructure/http/local-user.guard';
import { LedgerClient } from './infrastructure/ledger/ledger-client';
import { storageNodeControllerFor } from './infrastructure/messaging/storage-node.controller';
import { DatasetRepository } from './infrastructure/persistence/dataset.repository';
import { LedgerIntentRepository } from './infrastructure/persistence/ledger-intent.repository';
import { NodeSigner } from './infrastructure/signing/node-signer';
import { DownloadDatasetHandler } from './queries/download-dataset/download-dataset.handler';
import { GetDatasetHandler } from './queries/get-dataset/get-dataset.handler';
import { GetNodeInfoHandler } from './queries/get-node-info/get-node-info.handler';
import { ListDatasetsHandler } from './queries/list-datasets/list-datasets.handler';
import { SummarizeDatasetHandler } from './queries/summarize-dataset/summarize-dataset.handler';
import { KeyedLock } from './application/keyed-lock';
import { DatasetGate } from './application/dataset-gate';
import { GlmSessions } from './application/glm-sessions';
import { ModelSite } from './application/model-site';
import { CloseGlmSessionHandler } from './commands/close-glm-session/close-glm-session.handler';
import { OpenGlmSessionHandler } from './commands/open-glm-session/open-glm-session.handler';
import { CorrelateHandler } from './queries/correlate/correlate.handler';
import { CrossTableHandler } from './queries/cross-table/cross-table.handler';
import { StepGlmSessionHandler } from './queries/step-glm-session/step-glm-session.handler';
import { KeyedNoise } from './domain/keyed-noise';
import { FILE_STORE, GLM_SESSIONS, NODE_SIGNER, OBJECT_LOCKS, DISCLOSURE_NOISE, STORAGE_LOGGER, SUMMARY_ENGINE, TOKEN_VERIFIER } from './storage.tokens';

const commandHandlers: Provider[] = [UploadDatasetHandler, ReleaseDatasetHandler, DeleteDatasetHandler, RunAuditHandler, OpenGlmSessionHandler, CloseGlmSessionHandler];
const queryHandlers: Provider[] = [
  ListDatasetsHandler,
  GetDatasetHandler,
  DownloadDatasetHandler,
  SummarizeDatasetHandler,
  GetNodeInfoHandler,
  CrossTableHandler,
  CorrelateHandler,
  StepGlmSessionHandler,
];

export interface DatasetsModuleOptions {
  settings: StorageSettings;
  logger: Logger;
  signer: NodeSigner;
  /** Where the accounts service's public keys come from; absent: fetched from accounts over NATS and cached. */
  jwks?: JwksSource;
  token: TokenVerifierOptions;
}

/** Closes DuckDB after the transports stopped. */
@Injectable()
class EngineCloser implements OnApplicationShutdown {
  constructor(@Inject(SUMMARY_ENGINE) private readonly engine: SummaryEngine) {}
  onApplicationShutdown(): void {
    this.engine.close();
  }
}

/** Ends idle model sessions on a timer too, so an abandoned session's snapshot does not wait for the next request. */
@Injectable()
class GlmSessionSweeper implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  constructor(@Inject(GLM_SESSIONS) private readonly sessions: GlmSessions) {}
  onModuleInit(): void {
    this.timer = setInterval(() => {
      this.sessions.sweep();
    }, Math.max(1000, this.sessions.idleMs / 2));
    this.timer.unref();
  }
  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

/** Datasets at one site: local API, storage, release on the ledger, audit, summaries. */
export class DatasetsModule {
  static forRoot(o: DatasetsModuleOptions): DynamicModule {
    return {
      module: DatasetsModule,
      controllers: [LocalApiController, LocalAuditController, storageNodeControllerFor(o.settings.nodeId)],
      providers: [
        { provide: STORAGE_SETTINGS, useValue: o.settings },
        { provide: STORAGE_LOGGER, useValue: o.logger },
        { provide: NODE_SIGNER, useValue: o.signer },
        {
          provide: TOKEN_VERIFIER,
          useFactory: (bus: MessageBus) => new TokenVerifier(o.jwks ?? new BusJwksSource(bus), o.token),
          inject: [MessageBus],
        },
        { provide: DISCLOSURE_NOISE, useValue: new KeyedNoise(o.signer.deriveSecret('phdmf/disclosure-noise/v1')) },
        { provide: OBJECT_LOCKS, useValue: new KeyedLock() },
        {
          provide: GLM_SESSIONS,
          // A session that ends frees its snapshot table.
          useFactory: (engine: SummaryEngine) =>
            new GlmSessions(o.settings.modelSessions.max, o.settings.modelSessions.idleSeconds * 1000, (session) => {
              engine.drop(session.table).catch((error: unknown) => {
                o.logger.error({ err: error, sessionId: session.id }, "a model session's snapshot could not be dropped");
              });
            }),
          inject: [SUMMARY_ENGINE],
        },
        GlmSessionSweeper,
        {
          provide: FILE_STORE,
          useFactory: async () => {
            const store = new FileStore(o.settings.storageDir, { directIo: o.settings.uploadDirectIo });
            const swept = await store.open();
            if (swept.length > 0) o.logger.warn({ files: swept.length }, 'removed partial uploads left by an earlier process');
            return store;
          },
        },
        { provide: SUMMARY_ENGINE, useFactory: () => SummaryEngine.open(o.settings.duckdb) },
        EngineCloser,
        DatasetRepository,
        LedgerClient,
        DatasetGate,
        ModelSite,
        LedgerIntentRepository,
        LedgerIntents,
        LedgerIntentWorker,
        LocalUserGuard,
        HttpErrorFilter,
        AuditScheduler,
        NodeStartup,
        ...commandHandlers,
        ...queryHandlers,
      ],
    };
  }
}
