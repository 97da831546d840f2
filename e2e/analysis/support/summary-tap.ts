// A separate NATS connection that counts the summary requests reaching storage nodes: the
// invariant "no summary request for a dataset without a committed grant in force and in scope"
// is checked by what is actually on the wire, not by what the service says it did.
import { connect, type NatsConnection, type Subscription } from 'nats';
import { StorageSummarize } from '@phdmf/contracts';

export class SummaryTap {
  private readonly seen: { nodeId: string; datasetId: string; analysisId: string }[] = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly subs: Subscription[],
  ) {}

  /** Subscribes (no queue group: it sees every request, without answering) to each node's summarize subject. */
  static async open(natsUrl: string, nodeIds: readonly string[]): Promise<SummaryTap> {
    const nc = await connect({ servers: natsUrl });
    const tap = new SummaryTap(nc, []);
    for (const nodeId of nodeIds) {
      const sub = nc.subscribe(StorageSummarize.contractFor(nodeId).subject, {
        callback: (_err, msg) => {
          const payload = JSON.parse(new TextDecoder().decode(msg.data)) as { datasetId: string; analysisId: string };
          tap.seen.push({ nodeId, datasetId: payload.datasetId, analysisId: payload.analysisId });
        },
      });
      tap.subs.push(sub);
    }
    await nc.flush();
    return tap;
  }

  /** Summary requests seen so far for a dataset (after a round trip, so nothing in flight is missed). */
  async countFor(datasetId: string): Promise<number> {
    await this.nc.flush();
    return this.seen.filter((s) => s.datasetId === datasetId).length;
  }

  async total(): Promise<number> {
    await this.nc.flush();
    return this.seen.length;
  }

  async close(): Promise<void> {
    for (const s of this.subs) s.unsubscribe();
    await this.nc.close();
  }
}
