// The real ledger service (apps/ledger/src/main.ts) in a child process, killed with SIGKILL while
// transactions commit and their events are being published, then started again: the stream must
// hold every committed event exactly once.
import { LedgerAdmitMember, LedgerGetChainInfo } from '@phdmf/contracts';
import { TestNatsServer, eventually, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { Actors, LedgerClient, chainEventIds, ledgerEnv, migrateLedger, produceDatasets, spawnLedgerService, type StoredEvent } from '../../test-support/ledger-service';
import { loadLedgerConfig } from '../config';
import { admission } from '../ledger-port/conformance/builders';

describe('chain events across a crash of the ledger service', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let client: LedgerClient;
  let service: ReturnType<typeof spawnLedgerService> | undefined;

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    data = tempDir('phdmf-ledger-crash-');
    await migrateLedger(loadLedgerConfig(ledgerEnv(nats.url, data.dir)));
    client = await LedgerClient.connect(nats.url);
  });

  afterAll(async () => {
    if (service !== undefined && service.child.exitCode === null && service.child.signalCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
    await client.close();
    await nats.dispose();
    data.remove();
  });

  async function startChild(): Promise<ReturnType<typeof spawnLedgerService>> {
    const started = spawnLedgerService(ledgerEnv(nats.url, data.dir));
    await eventually(
      async () => {
        if (started.child.exitCode !== null) throw new Error(`the ledger service exited:\n${started.output()}`);
        return client.bus.request(LedgerGetChainInfo.CONTRACT, {}, { timeoutMs: 500 }).then(
          () => true,
          () => false,
        );
      },
      'the ledger service answering',
      60_000,
    );
    return started;
  }

  it('after kill -9 mid-stream and a restart, the stream holds every committed event once', async () => {
    service = await startChild();
    await client.bus.request(LedgerAdmitMember.CONTRACT, admission('hospital-a', 'HospitalAMSP'), { actor: Actors.consortiumAdmin });
    const producer = produceDatasets(client, Actors.staffOf('hospital-a'), 32);
    await eventually(() => producer.committed.length >= 200, 'transactions committed before the crash', 30_000);

    service.child.kill('SIGKILL');
    await service.exited;
    expect(service.child.signalCode).toBe('SIGKILL');
    const committedBeforeCrash = producer.committed.length;

    service = await startChild();
    await eventually(() => producer.committed.length >= committedBeforeCrash + 200, 'transactions committed after the restart', 30_000);
    await producer.stop();

    let stored: StoredEvent[] = [];
    let expected: string[] = [];
    await eventually(
      async () => {
        expected = await chainEventIds(client);
        stored = await client.storedLedgerEvents();
        return stored.length >= expected.length;
      },
      'every chain event on the stream',
      30_000,
    );
    const ids = stored.map((e) => e.msgId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    for (const txId of producer.committed) expect(ids).toContain(`${txId}:0`);
  });
});
