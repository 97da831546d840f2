// The aggregation service started as main.ts starts it (own SQLite, explicit migration first), and
// an impostor on a storage node's summarize subject that answers however a test tells it to.
import { randomUUID, sign, type KeyObject } from 'node:crypto';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection, type Subscription } from 'nats';
import { canonicalJson, nodeKeyId, StorageSummarize } from '@phdmf/contracts';
import type { Logger } from '@phdmf/logging';
import { persistenceSettingsOf, startService } from '@phdmf/messaging';
import { migrate } from '@phdmf/persistence';
import { AppModule } from '../../../apps/aggregation/src/app.module';
import { loadAggregationConfig } from '../../../apps/aggregation/src/config';
import { AGGREGATION_PERSISTENCE } from '../../../apps/aggregation/src/persistence';

export async function startAggregation(natsUrl: string, dataDir: string, logger: Logger, env: Record<string, string> = {}): Promise<INestApplication> {
  const config = loadAggregationConfig({ NATS_URL: natsUrl, PHDMF_DATA_DIR: path.join(dataDir, 'aggregation'), LOG_LEVEL: 'silent', ...env });
  await migrate(persistenceSettingsOf('aggregation', config, AGGREGATION_PERSISTENCE));
  return startService(AppModule.forRoot(config, logger), { logger });
}

/** How the impostor answers a summary request. */
export type ImpostorMode =
  /** a well-formed summary, signed with the node's own key (the control: accepted) */
  | 'honest'
  /** the same summary signed with another key */
  | 'foreign-key'
  /** a correctly signed summary, one number changed afterwards */
  | 'altered'
  /** a correctly signed summary of another analysis (a replay) */
  | 'replay'
  /** no answer at all */
  | 'silent'
  /** a refusal whose message and details quote a row, as a careless site's engine error would */
  | 'chatty-refusal';

/** What the 'chatty-refusal' impostor quotes: none of it may reach the researcher. */
export const CHATTY_REFUSAL = { code: 'STORAGE.FILE_UNREADABLE', message: 'CSV Error on Line: 7 Original Line: 7,Ada-Lovelace-1815', details: { line: 7, row: '7,Ada-Lovelace-1815' } };

export interface ImpostorFacts {
  nodeId: string;
  organisationId: string;
  sha256: string;
  datasetVersion: number;
  grantRequestId: string;
}

/**
 * Answers on `StorageSummarize.contractFor(nodeId)` in place of a storage node, with what its mode
 * says. It holds the node's real key (as someone who stole it would) and another one.
 */
export class ImpostorNode {
  mode: ImpostorMode = 'honest';
  requests = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly sub: Subscription,
  ) {}

  static async start(natsUrl: string, facts: ImpostorFacts, nodeKey: KeyObject, foreignKey: KeyObject, publicKeyPem: string, foreignPublicKeyPem: string): Promise<ImpostorNode> {
    const nc = await connect({ servers: natsUrl });
    const holder: { impostor?: ImpostorNode } = {};
    const sub = nc.subscribe(StorageSummarize.contractFor(facts.nodeId).subject, {
      callback: (_err, msg) => {
        const impostor = holder.impostor;
        if (!impostor) return;
        impostor.requests++;
        if (impostor.mode === 'silent') return;
        if (impostor.mode === 'chatty-refusal') {
          msg.respond(new TextEncoder().encode(JSON.stringify({ ok: false, error: CHATTY_REFUSAL })));
          return;
        }
        const p = JSON.parse(new TextDecoder().decode(msg.data)) as StorageSummarize.Payload;
        const body: StorageSummarize.SummaryBody = {
          nodeId: facts.nodeId,
          organisationId: facts.organisationId,
          analysisId: impostor.mode === 'replay' ? `an-${randomUUID()}` : p.analysisId,
          datasetId: p.datasetId,
          datasetVersion: facts.datasetVersion,
          sha256: facts.sha256,
          requester: p.requester,
          grantRequestId: facts.grantRequestId,
          rowCount: 50,
          computedAt: new Date().toISOString(),
          computeMillis: 1,
          policy: { minCount: 3, exactMinMax: false, quantileBand: [0.05, 0.95], maxHistogramBins: 100, minMaxNoise: 0.05 },
          columns: p.columns.map((name, i) => ({ name, type: 'numeric', count: 50, missing: 0, mean: 10 + i, m2: 400, sum: 50 * (10 + i), variance: 400 / 49, sd: Math.sqrt(400 / 49) })),
        };
        const foreign = impostor.mode === 'foreign-key';
        const signature = {
          algorithm: 'Ed25519' as const,
          keyId: nodeKeyId(foreign ? foreignPublicKeyPem : publicKeyPem),
          value: sign(null, Buffer.from(canonicalJson(body)), foreign ? foreignKey : nodeKey).toString('base64'),
        };
        const first = body.columns[0];
        if (impostor.mode === 'altered' && first) first.mean = (first.mean ?? 0) + 1;
        msg.respond(new TextEncoder().encode(JSON.stringify({ ok: true, data: { body, signature } })));
      },
    });
    const impostor = new ImpostorNode(nc, sub);
    holder.impostor = impostor;
    await nc.flush();
    return impostor;
  }

  async stop(): Promise<void> {
    this.sub.unsubscribe();
    await this.nc.close();
  }
}
