// Chain events republished on the bus, over a real nats-server with JetStream, against the real
// ledger service; the test reads the stream with its own JetStream consumer.
import type { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import {
  LEDGER_EVENTS,
  eventContractFor,
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerDatasetAdded,
  LedgerGrantAccess,
  LedgerMemberAdmitted,
  LedgerRequestAccess,
  LedgerUpdateDataset,
} from '@phdmf/contracts';
import { validatePayload, provisionEventStream } from '@phdmf/messaging';
import { TestNatsServer, eventually, tempDir } from '@phdmf/testing';
import { Actors, LedgerClient, chainEventCountInFile, chainEventIds, ledgerEnv, produceDatasets, startLedgerService, type StoredEvent } from '../../test-support/ledger-service';
import { ChaincodeEvent } from '../chaincode/phdmf-chaincode';
import { accessRequest, admission, datasetVersion } from '../ledger-port/conformance/builders';
import { ChainEventRelay } from './chain-event-relay';
describe('chain events on the bus', () => {
  let nats: TestNatsServer;
  let data: ReturnType<typeof tempDir>;
  let app: INestApplication | undefined;
  let client: LedgerClient;
  const hospitalA = Actors.staffOf('hospital-a');

  beforeAll(async () => {
    nats = await TestNatsServer.start({ provision: provisionEventStream });
    data = tempDir('phdmf-ledger-evt-');
    app = await startLedgerService(ledgerEnv(nats.url, data.dir));
    client = await LedgerClient.connect(nats.url);
    await client.bus.request(LedgerAdmitMember.CONTRACT, admission('hospital-a', 'HospitalAMSP'), { actor: Actors.consortiumAdmin });
  });

  afterAll(async () => {
    await client.close();
    await app?.close();
    await nats.dispose();
    data.remove();
  });

  /** Waits until the stream holds exactly the chain's events, then returns what it holds. */
  async function streamMatchingChain(): Promise<{ stored: StoredEvent[]; expected: string[] }> {
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
    return { stored, expected };
  }

  it('has a bus contract for every chaincode event', () => {
    expect(Object.keys(LEDGER_EVENTS).sort()).toEqual(Object.values(ChaincodeEvent).sort());
    for (const [name, event] of Object.entries(LEDGER_EVENTS)) expect(event.CHAINCODE_EVENT).toBe(name);
  });

  it('republishes each committed chaincode event on its own subject, with message id <txId>:0 and the record', async () => {
    const added = await client.bus.request(LedgerAddDataset.CONTRACT, datasetVersion(), { actor: hospitalA });
    const updated = await client.bus.request(LedgerUpdateDataset.CONTRACT, datasetVersion({ datasetId: added.record.datasetId, version: 2 }), { actor: hospitalA });
    const request = accessRequest(added.record.datasetId);
    const requested = await client.bus.request(LedgerRequestAccess.CONTRACT, request, { actor: Actors.service });
    const granted = await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: request.requestId, operator: 'reviewer-a' }, { actor: hospitalA });

    let stored: StoredEvent[] = [];
    await eventually(
      async () => {
        stored = await client.storedLedgerEvents();
        return stored.some((e) => e.payload.txId === granted.txId);
      },
      'the grant event on the stream',
    );
    const byTx = (txId: string): StoredEvent | undefined => stored.find((e) => e.payload.txId === txId);
    for (const [answer, subject, eventName] of [
      [added, LedgerDatasetAdded.SUBJECT, 'DatasetAdded'],
      [updated, LEDGER_EVENTS.DatasetUpdated.SUBJECT, 'DatasetUpdated'],
      [requested, LEDGER_EVENTS.AccessRequested.SUBJECT, 'AccessRequested'],
      [granted, LEDGER_EVENTS.AccessGranted.SUBJECT, 'AccessGranted'],
    ] as const) {
      expect(byTx(answer.txId)).toEqual({
        subject,
        msgId: `${answer.txId}:0`,
        seq: expect.any(Number) as unknown,
        payload: { txId: answer.txId, blockNumber: answer.blockNumber, txIndex: expect.any(Number) as unknown, eventIndex: 0, eventName, record: answer.record },
      });
    }
    // Every message is a valid payload of its contract, as a consumer validates it.
    for (const event of stored) {
      const contract = eventContractFor(event.subject);
      expect(contract).toBeDefined();
      if (contract !== undefined) expect(validatePayload(contract.payload, event.payload)).toBeDefined();
    }
    // The chain's own history is on the bus too: the consortium's initialization and the admission.
    expect(stored[0]?.subject).toBe(LEDGER_EVENTS.ConsortiumInitialized.SUBJECT);
    expect(stored.filter((e) => e.subject === LedgerMemberAdmitted.SUBJECT).map((e) => e.payload.record['memberId'])).toContain('hospital-a');
    // In commit order.
    const positions = stored.map((e) => [e.payload.blockNumber, e.payload.txIndex] as const);
    expect(positions).toEqual([...positions].sort((x, y) => x[0] - y[0] || x[1] - y[1]));
  });

  it('restarted mid-stream, misses no event and publishes none twice', async () => {
    const producer = produceDatasets(client, hospitalA, 32);
    await eventually(() => producer.committed.length >= 150, 'transactions committed before the restart', 30_000);
    // Stop while commands are in flight and events are being committed and published.
    await app?.close();
    app = undefined;
    const committedBeforeRestart = producer.committed.length;
    // Mid-stream indeed: the ledger holds events the stopped service had not published yet (those of
    // the commands in flight, committed while it shut down).
    const backlog = (await chainEventCountInFile(join(data.dir, 'ledger'))) - (await client.storedLedgerEvents()).length;
    expect(backlog).toBeGreaterThan(0);
    app = await startLedgerService(ledgerEnv(nats.url, data.dir));
    await eventually(() => producer.committed.length >= committedBeforeRestart + 150, 'transactions committed after the restart', 30_000);
    await producer.stop();

    const { stored, expected } = await streamMatchingChain();
    const ids = stored.map((e) => e.msgId);
    expect(new Set(ids).size).toBe(ids.length); // no duplicate on the stream
    expect([...ids].sort()).toEqual([...expected].sort()); // exactly the chain's events
    for (const txId of producer.committed) expect(ids).toContain(`${txId}:0`);
    // A clean stop leaves an exact checkpoint: the restarted relay published nothing a second time.
    expect(app.get(ChainEventRelay).stats.duplicates).toBe(0);
  });

  it('rides out a nats-server restart: the events committed meanwhile reach the stream once it is back', async () => {
    const before = (await client.storedLedgerEvents()).length;
    const producer = produceDatasets(client, hospitalA, 16);
    await eventually(() => producer.committed.length >= 50, 'transactions committed before the NATS restart', 30_000);
    await nats.restart();
    const committedBeforeRestart = producer.committed.length;
    await eventually(() => producer.committed.length >= committedBeforeRestart + 50, 'transactions committed after the NATS restart', 30_000);
    await producer.stop();

    const { stored, expected } = await streamMatchingChain();
    const ids = stored.map((e) => e.msgId);
    expect(stored.length).toBeGreaterThan(before);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    for (const txId of producer.committed) expect(ids).toContain(`${txId}:0`);
  });
});
