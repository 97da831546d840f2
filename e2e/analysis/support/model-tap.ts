// A separate NATS connection that sees every model request reaching the storage nodes (no queue
// group: it watches without answering), so a test can show from the wire which operations were
// sent — none without a grant, no GLM step after a refusal at any site's session.
import { connect, type NatsConnection, type Subscription } from 'nats';
import { StorageModel } from '@phdmf/contracts';

export interface SeenModelRequest {
  nodeId: string;
  analysisId: string;
  datasetId: string;
  operation: StorageModel.ModelOperationKind;
}

export class ModelTap {
  private readonly seen: SeenModelRequest[] = [];

  private constructor(private readonly nc: NatsConnection, private readonly subs: Subscription[]) {}

  static async open(natsUrl: string, nodeIds: readonly string[]): Promise<ModelTap> {
    const nc = await connect({ servers: natsUrl });
    const tap = new ModelTap(nc, []);
    for (const nodeId of nodeIds) {
      tap.subs.push(
        nc.subscribe(StorageModel.contractFor(nodeId).subject, {
          callback: (_err, msg) => {
            const p = JSON.parse(new TextDecoder().decode(msg.data)) as StorageModel.Payload;
            tap.seen.push({ nodeId, analysisId: p.analysisId, datasetId: p.datasetId, operation: p.operation.kind });
          },
        }),
      );
    }
    await nc.flush();
    return tap;
  }

  /** Requests seen so far matching `where` (after a round trip, so nothing in flight is missed). */
  async count(where: Partial<SeenModelRequest> = {}): Promise<number> {
    await this.nc.flush();
    return this.seen.filter((s) => Object.entries(where).every(([k, v]) => s[k as keyof SeenModelRequest] === v)).length;
  }

  /** Everything seen since `mark` (a count taken before). */
  async since(mark: number): Promise<SeenModelRequest[]> {
    await this.nc.flush();
    return this.seen.slice(mark);
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await this.nc.close();
  }
}
