// The ledger port conformance suite, and what only a real Fabric network can show, against a local
// 2-organisation Fabric 2.5 network that this file starts itself (infra/fabric/network.sh, free ports,
// temporary data directory) and stops in afterAll. Needs the Fabric binaries (FABRIC_BIN or PATH);
// without them the whole file is skipped with one line saying why.
//
// The network has two member organisations with a peer each (Org1MSP, Org2MSP; every write is
// endorsed by both). The suite needs a governing MSP that is not a member, so the test adds a third
// organisation to the channel, Org3MSP (clients only, through Org1's gateway), which governs.
import '../../apps/ledger/src/chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import type { INestApplication } from '@nestjs/common';
import {
  CommonErrorCode,
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerChaincodeErrorCode,
  LedgerErrorCode,
  LedgerGetChainInfo,
  LedgerGetProvenance,
  LedgerGrantAccess,
  LedgerRecordAnalysis,
  LedgerRequestAccess,
  LedgerVerifyChain,
} from '@phdmf/contracts';
import { Correlation, createLogger } from '@phdmf/logging';
import { TestNatsServer, eventually, tempDir } from '@phdmf/testing';
import { provisionEventStream } from '@phdmf/messaging';
import { Actors, LedgerClient, chainEventIds, ledgerEnv, produceDatasets, spawnLedgerService, startLedgerService } from '../../apps/ledger/test-support/ledger-service';
import { ContractName } from '../../apps/ledger/src/chaincode/phdmf-chaincode';
import { loadLedgerConfig } from '../../apps/ledger/src/config';
import { ChainEventRelay } from '../../apps/ledger/src/events/chain-event-relay';
import { accessRequest, admission, datasetVersion, sha, uniqueId } from '../../apps/ledger/src/ledger-port/conformance/builders';
import { describeLedgerPortConformance, setUpConsortium, type LedgerPortConformanceTarget } from '../../apps/ledger/src/ledger-port/conformance/ledger-port.conformance';
import { createLedgerPort } from '../../apps/ledger/src/ledger-port/create-ledger-port';
import { loadConnectionProfile } from '../../apps/ledger/src/ledger-port/fabric/connection-profile';
import { FabricLedgerAdapter } from '../../apps/ledger/src/ledger-port/fabric/fabric-ledger.adapter';
import { openPeerConnectionCount } from '../../apps/ledger/src/ledger-port/fabric/peer-connections';
import { organisationIdentity } from '../../apps/ledger/src/identity/signing-identity.resolver';
import type { LedgerPort } from '../../apps/ledger/src/ledger-port/ledger-port';
import { MvccRetryingLedgerPort } from '../../apps/ledger/src/ledger-port/mvcc-retry';
import { findFabricBinaries, startLocalFabricNetwork, type LocalFabricNetwork } from '../../bench/fabric/local-network';
import { stopNetworkProcessAndWait } from './support/network-processes';
import { expectResentUntilOrderersAreBack } from './support/resent-submission';
import { ORG3_MSP, addThirdOrganisation } from './support/third-organisation';

jest.setTimeout(300_000);

const binaries = findFabricBinaries();
const skipReason = 'missing' in binaries ? binaries.missing : undefined;
if (skipReason !== undefined) {
  // The one line a run without Fabric shows.
  process.stderr.write(`e2e/fabric conformance skipped: ${skipReason} (set FABRIC_BIN to a Fabric >= 2.4 bin directory to run it)\n`);
}
const describeWithFabric = skipReason === undefined ? describe : describe.skip;

const GOVERNOR_MSP = ORG3_MSP;
const MEMBER_A_MSP = 'Org1MSP';
const MEMBER_B_MSP = 'Org2MSP';

describeWithFabric('Fabric ledger adapter on a local Fabric network', () => {
  let network: LocalFabricNetwork | undefined;
  let connectionFile = '';

  beforeAll(async () => {
    if ('missing' in binaries) throw new Error(binaries.missing);
    network = await startLocalFabricNetwork(binaries.binDir);
    connectionFile = await addThirdOrganisation(network.connectionFile, binaries.binDir);
    // The peers accept Org3's clients once they have committed the channel update.
    const probe = openAdapter();
    try {
      await eventually(
        () => probe.evaluate(organisationIdentity(GOVERNOR_MSP), ContractName.Consortium, 'listMembers', ['{}']).then(() => true, () => false),
        'the peers to accept Org3MSP after the channel update',
        60_000,
      );
    } finally {
      await probe.close();
    }
  }, 240_000);

  afterAll(async () => {
    await network?.stop();
  }, 60_000);

  const openAdapter = (): FabricLedgerAdapter => FabricLedgerAdapter.open({ profile: loadConnectionProfile(connectionFile) });
  const target: LedgerPortConformanceTarget = {
    name: 'fabric',
    open: ({ maxSubmitAttempts, contendedSubmitAttempts }) => Promise.resolve(new MvccRetryingLedgerPort(openAdapter(), maxSubmitAttempts, contendedSubmitAttempts)),
    governor: organisationIdentity(GOVERNOR_MSP),
    memberA: { memberId: 'fabric-hospital-org1', identity: organisationIdentity(MEMBER_A_MSP) },
    memberB: { memberId: 'fabric-hospital-org2', identity: organisationIdentity(MEMBER_B_MSP) },
  };

  describeLedgerPortConformance(target);

  describe('Fabric specifics', () => {
    let ledger: FabricLedgerAdapter;
    let port: LedgerPort;
    const governor = organisationIdentity(GOVERNOR_MSP);
    const orgA = organisationIdentity(MEMBER_A_MSP);
    const orgB = organisationIdentity(MEMBER_B_MSP);

    beforeAll(async () => {
      ledger = openAdapter();
      port = new MvccRetryingLedgerPort(ledger, 3);
      await setUpConsortium(port, target);
    });

    afterAll(async () => {
      await port.close();
    });

    it('refuses a grant signed by the organisation that does not own the dataset (ACCESS.NOT_OWNER); both organisations endorse the committed writes', async () => {
      const { datasetId } = datasetVersion();
      const added = await port.submit(orgB, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion({ datasetId }))]);
      expect(JSON.parse(added.result)).toMatchObject({ ownerMspId: MEMBER_B_MSP });
      const request = accessRequest(datasetId);
      await port.submit(governor, ContractName.Access, 'requestAccess', [JSON.stringify(request)]);

      // Org1MSP, a member with a peer of its own, does not own Org2's dataset: the chaincode refuses.
      const refused = await port.submit(orgA, ContractName.Access, 'grantAccess', [JSON.stringify({ requestId: request.requestId, operator: 'reviewer-org1' })]).catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: LedgerChaincodeErrorCode.AccessNotOwner });

      const granted = await port.submit(orgB, ContractName.Access, 'grantAccess', [JSON.stringify({ requestId: request.requestId, operator: 'reviewer-org2' })]);
      for (const txId of [added.txId, granted.txId]) {
        const tx = await ledger.findTransaction(txId);
        expect(tx.validationCode).toBe('VALID');
        expect(tx.creatorMspId).toBe(MEMBER_B_MSP);
        expect([...new Set(tx.endorserMspIds)].sort()).toEqual(['Org1MSP', 'Org2MSP']);
      }
    });

    it('refuses a checkpoint that belongs to another chain (a recreated network) instead of replaying or waiting', async () => {
      const { height } = await port.chainInfo();
      const read = async (blockNumber: number): Promise<unknown> => {
        for await (const event of port.chaincodeEvents({ blockNumber, afterTxId: 'f'.repeat(64) })) return event;
        return undefined;
      };
      await expect(read(1)).rejects.toMatchObject({ code: LedgerErrorCode.NOT_FOUND });
      await expect(read(height + 1000)).rejects.toMatchObject({ code: LedgerErrorCode.NOT_FOUND });
    });

    it('refuses an MSP it holds no identity for, before calling Fabric', async () => {
      await expect(port.evaluate(organisationIdentity('NobodyMSP'), ContractName.Consortium, 'listMembers', ['{}'])).rejects.toMatchObject({ code: LedgerErrorCode.INVALID_INPUT });
    });

    it('shares one gRPC connection per peer endpoint between adapters, and closes it with the last one', async () => {
      const before = openPeerConnectionCount();
      const second = openAdapter();
      const third = openAdapter();
      expect(openPeerConnectionCount()).toBe(before);
      await Promise.all([second.evaluate(governor, ContractName.Consortium, 'getConsortium', ['{}']), third.chainInfo()]);
      await second.close();
      await third.close();
      expect(openPeerConnectionCount()).toBe(before);
    });

    it('keeps many transactions in flight, each answered after its own commit', async () => {
      const results = await Promise.all(Array.from({ length: 40 }, () => port.submit(orgB, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion())])));
      expect(new Set(results.map((r) => r.txId)).size).toBe(40);
      const { height } = await port.chainInfo();
      for (const r of results) expect(r.blockNumber).toBeLessThan(height);
      // Several transactions per block: they were in flight together.
      expect(new Set(results.map((r) => r.blockNumber)).size).toBeLessThan(40);
    });

    it('hands a transaction to the orderer again while it is down; it commits once the orderer is back', async () => {
      // Raft elects its leader again after the restart (ElectionTick 10 of 500 ms) before it orders.
      const resending = FabricLedgerAdapter.open({ profile: loadConnectionProfile(connectionFile), deadlines: { resubmitMs: 90_000 } });
      try {
        await stopNetworkProcessAndWait(network!, 'orderer');
        // Not past the caller's deadline: a request that has 2 s left is answered within them.
        const started = Date.now();
        const late = Correlation.run({ correlationId: 'fabric-resubmit-deadline', deadline: started + 2_000 }, () => resending.submit(orgB, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion())]));
        await expect(late).rejects.toMatchObject({ code: LedgerErrorCode.UNAVAILABLE, message: expect.stringContaining('did not confirm') });
        expect(Date.now() - started).toBeLessThan(2_000);

        await expectResentUntilOrderersAreBack(resending, orgB, async () => {
          await network!.script('start', 'orderer');
        });
      } finally {
        await resending.close();
      }
    });

    it('is opened by createLedgerPort from LEDGER_ADAPTER=fabric and FABRIC_CONNECTION_FILE', async () => {
      const silent = createLogger({ service: 'ledger', level: 'silent' });
      const opened = await createLedgerPort(loadLedgerConfig({ NATS_URL: 'nats://127.0.0.1:4222', LEDGER_ADAPTER: 'fabric', FABRIC_CONNECTION_FILE: connectionFile, LEDGER_GOVERNOR_MSP: GOVERNOR_MSP }), silent);
      try {
        expect(opened.adapter).toBe('fabric');
        expect((await opened.chainInfo()).height).toBeGreaterThan(1);
      } finally {
        await opened.close();
      }
      await expect(createLedgerPort(loadLedgerConfig({ NATS_URL: 'nats://127.0.0.1:4222', LEDGER_ADAPTER: 'fabric', FABRIC_CONNECTION_FILE: connectionFile, LEDGER_GOVERNOR_MSP: 'ConsortiumMSP' }), silent)).rejects.toMatchObject({
        code: CommonErrorCode.CONFIG_INVALID,
      });
    });
  });

  describe('the ledger service on Fabric: chain events on the bus across a restart', () => {
    let nats: TestNatsServer;
    let data: ReturnType<typeof tempDir>;
    let app: INestApplication | undefined;
    let client: LedgerClient;
    const env = (): Record<string, string> =>
      ledgerEnv(nats.url, data.dir, { LEDGER_ADAPTER: 'fabric', FABRIC_CONNECTION_FILE: connectionFile, LEDGER_GOVERNOR_MSP: GOVERNOR_MSP, LEDGER_VERIFY_ON_START: 'false' });

    beforeAll(async () => {
      nats = await TestNatsServer.start({ provision: provisionEventStream });
      data = tempDir('phdmf-ledger-fabric-evt-');
      app = await startLedgerService(env());
      client = await LedgerClient.connect(nats.url);
    });

    afterAll(async () => {
      await client.close();
      await app?.close();
      await nats.dispose();
      data.remove();
    });

    it('serves the whole flow unchanged: join, release, request, refused and granted decision, analysis, provenance with block numbers', async () => {
      const hospital = Actors.staffOf(target.memberA.memberId); // Org1MSP
      const otherHospital = Actors.staffOf(target.memberB.memberId); // Org2MSP
      const joined = await client.bus.request(LedgerAdmitMember.CONTRACT, admission(uniqueId('joiner'), uniqueId('JoinerMSP')), { actor: Actors.consortiumAdmin });
      expect(joined.record).toMatchObject({ status: 'active' });

      const v1 = datasetVersion({ fileName: 'cohort-2025.csv' });
      const { datasetId } = v1;
      const answers: { txId: string; blockNumber: number }[] = [];
      answers.push(await client.bus.request(LedgerAddDataset.CONTRACT, v1, { actor: hospital }));
      const request = accessRequest(datasetId);
      answers.push(await client.bus.request(LedgerRequestAccess.CONTRACT, request, { actor: Actors.service }));
      await expect(client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: request.requestId, operator: 'reviewer-b' }, { actor: otherHospital })).rejects.toMatchObject({
        code: LedgerChaincodeErrorCode.AccessNotOwner,
      });
      answers.push(await client.bus.request(LedgerGrantAccess.CONTRACT, { requestId: request.requestId, operator: 'reviewer-a' }, { actor: hospital }));
      const analysisId = uniqueId('an');
      answers.push(
        await client.bus.request(
          LedgerRecordAnalysis.CONTRACT,
          { analysisId, requester: request.requester, grants: [{ requestId: request.requestId, datasetId, sha256: v1.sha256 }], statistics: ['mean'], columns: ['sbp'], resultHash: sha('r') },
          { actor: Actors.service },
        ),
      );
      const { entries } = await client.bus.request(LedgerGetProvenance.CONTRACT, { datasetId });
      expect(entries.map((e) => [e.operation, e.organisation])).toEqual([
        ['add', MEMBER_A_MSP],
        ['request', GOVERNOR_MSP],
        ['grant', MEMBER_A_MSP],
        ['analysis', GOVERNOR_MSP],
      ]);
      expect(entries.map((e) => [e.txId, e.blockNumber])).toEqual(answers.map((a) => [a.txId, a.blockNumber]));
      await expect(client.bus.request(LedgerVerifyChain.CONTRACT, {})).resolves.toMatchObject({ ok: true });
    });

    it('stopped while transactions commit and started again, misses no event and publishes none twice', async () => {
      // Member B's staff release datasets: signed by Org2MSP, endorsed by both organisations.
      const producer = produceDatasets(client, Actors.staffOf(target.memberB.memberId), 16);
      await eventually(() => producer.committed.length >= 40, 'transactions committed before the restart', 60_000);
      await app?.close();
      app = undefined;
      const committedBeforeRestart = producer.committed.length;
      // The producers keep going against the stopped service (their commands fail) and resume after.
      app = await startLedgerService(env());
      await eventually(() => producer.committed.length >= committedBeforeRestart + 40, 'transactions committed after the restart', 60_000);
      await producer.stop();

      await expectStreamToHoldTheChainOnce(client, producer.committed);
      expect(app.get(ChainEventRelay).stats.duplicates).toBe(0);
    });

    it('killed with SIGKILL while transactions commit and started again, leaves every committed event on the stream once', async () => {
      await app?.close();
      app = undefined;
      const childEnv = env();
      const startChild = async (): Promise<ReturnType<typeof spawnLedgerService>> => {
        const started = spawnLedgerService(childEnv);
        await eventually(
          async () => {
            if (started.child.exitCode !== null) throw new Error(`the ledger service exited:\n${started.output()}`);
            return client.bus.request(LedgerGetChainInfo.CONTRACT, {}, { timeoutMs: 1_000 }).then(
              () => true,
              () => false,
            );
          },
          'the ledger service answering',
          90_000,
        );
        return started;
      };
      let child = await startChild();
      try {
        const producer = produceDatasets(client, Actors.staffOf(target.memberB.memberId), 16);
        await eventually(() => producer.committed.length >= 40, 'transactions committed before the crash', 60_000);
        child.child.kill('SIGKILL');
        await child.exited;
        expect(child.child.signalCode).toBe('SIGKILL');
        const committedBeforeCrash = producer.committed.length;
        child = await startChild();
        await eventually(() => producer.committed.length >= committedBeforeCrash + 40, 'transactions committed after the restart', 60_000);
        await producer.stop();
        await expectStreamToHoldTheChainOnce(client, producer.committed);
      } finally {
        if (child.child.exitCode === null && child.child.signalCode === null) {
          child.child.kill('SIGTERM');
          await child.exited;
        }
      }
    });
  });
});

/**
 * Waits until the chain stops growing and the stream has caught up with it (a command whose answer
 * timed out at the client may still commit a little later), then checks that the stream holds exactly
 * the chain's events, each once, among them those of every answered command.
 */
async function expectStreamToHoldTheChainOnce(client: LedgerClient, committed: readonly string[]): Promise<void> {
  let stored: string[] = [];
  let expected: string[] = [];
  await eventually(
    async () => {
      expected = await chainEventIds(client);
      stored = (await client.storedLedgerEvents()).map((e) => e.msgId);
      return stored.length >= expected.length && (await chainEventIds(client)).length === expected.length;
    },
    'every chain event on the stream',
    60_000,
  ).catch(() => undefined); // the assertions below say what differs
  expect(new Set(stored).size).toBe(stored.length);
  expect([...stored].sort()).toEqual([...expected].sort());
  for (const txId of committed) expect(stored).toContain(`${txId}:0`);
}
