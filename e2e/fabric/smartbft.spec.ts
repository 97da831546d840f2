// The ledger port's conformance suite on Fabric 3.0 with SmartBFT ordering — four orderers, each of its own
// organisation (one per institution), tolerating one faulty — and one orderer stopped while a stream of
// transactions commits: none is lost, none is repeated, the chain keeps growing; then a second one stopped, and a
// transaction handed to the orderers again until the restarted one makes a quorum. Needs Fabric >= 3.0
// binaries in FABRIC3_BIN (the Raft suites use FABRIC_BIN, usually 2.5); skipped with one line without.
//
// As in fabric-conformance.spec.ts the network's members are Org1MSP and Org2MSP and the suite's
// governing MSP, Org3MSP, is added to the channel as clients only (support/third-organisation.ts).
import '../../apps/ledger/src/chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import { readFileSync } from 'node:fs';
import { LedgerErrorCode } from '@phdmf/contracts';
import { eventually } from '@phdmf/testing';
import { ContractName } from '../../apps/ledger/src/chaincode/phdmf-chaincode';
import { organisationIdentity } from '../../apps/ledger/src/identity/signing-identity.resolver';
import { datasetVersion } from '../../apps/ledger/src/ledger-port/conformance/builders';
import { describeLedgerPortConformance, setUpConsortium, type LedgerPortConformanceTarget } from '../../apps/ledger/src/ledger-port/conformance/ledger-port.conformance';
import { loadConnectionProfile } from '../../apps/ledger/src/ledger-port/fabric/connection-profile';
import { FabricLedgerAdapter } from '../../apps/ledger/src/ledger-port/fabric/fabric-ledger.adapter';
import type { SubmitResult } from '../../apps/ledger/src/ledger-port/ledger-port';
import { MvccRetryingLedgerPort } from '../../apps/ledger/src/ledger-port/mvcc-retry';
import { fabricMajorVersion, findFabricBinaries, startLocalFabricNetwork, type LocalFabricNetwork } from '../../bench/fabric/local-network';
import { stopNetworkProcess, stopNetworkProcessAndWait } from './support/network-processes';
import { expectResentUntilOrderersAreBack } from './support/resent-submission';
import { ORG3_MSP, addThirdOrganisation } from './support/third-organisation';

jest.setTimeout(300_000);

function fabric3(): { binDir: string } | { missing: string } {
  const dir = process.env['FABRIC3_BIN'];
  if (dir === undefined || dir === '') return { missing: 'FABRIC3_BIN is not set' };
  const found = findFabricBinaries({ FABRIC_BIN: dir });
  if ('missing' in found) return found;
  const major = fabricMajorVersion(found.binDir);
  return major >= 3 ? found : { missing: `FABRIC3_BIN=${dir} holds Fabric ${major}.x, SmartBFT needs >= 3.0` };
}
const binaries = fabric3();
if ('missing' in binaries) {
  process.stderr.write(`e2e/fabric SmartBFT skipped: ${binaries.missing} (set FABRIC3_BIN to a Fabric >= 3.0 bin directory to run it)\n`);
}
const describeWithFabric3 = 'missing' in binaries ? describe.skip : describe;

describeWithFabric3('Fabric 3.0 with SmartBFT ordering (four orderers)', () => {
  let network: LocalFabricNetwork | undefined;
  let connectionFile = '';
  const openAdapter = (): FabricLedgerAdapter => FabricLedgerAdapter.open({ profile: loadConnectionProfile(connectionFile) });

  beforeAll(async () => {
    if ('missing' in binaries) throw new Error(binaries.missing);
    network = await startLocalFabricNetwork(binaries.binDir, { consensus: 'bft' });
    connectionFile = await addThirdOrganisation(network.connectionFile, binaries.binDir);
    const probe = openAdapter();
    try {
      await eventually(
        () => probe.evaluate(organisationIdentity(ORG3_MSP), ContractName.Consortium, 'listMembers', ['{}']).then(() => true, () => false),
        'the peers to accept Org3MSP after the channel update',
        60_000,
      );
    } finally {
      await probe.close();
    }
  }, 280_000);

  afterAll(async () => {
    await network?.stop();
  }, 60_000);

  const target: LedgerPortConformanceTarget = {
    name: 'fabric-smartbft',
    open: ({ maxSubmitAttempts, contendedSubmitAttempts }) => Promise.resolve(new MvccRetryingLedgerPort(openAdapter(), maxSubmitAttempts, contendedSubmitAttempts)),
    governor: organisationIdentity(ORG3_MSP),
    memberA: { memberId: 'bft-hospital-org1', identity: organisationIdentity('Org1MSP') },
    memberB: { memberId: 'bft-hospital-org2', identity: organisationIdentity('Org2MSP') },
  };

  it('runs four orderers of four organisations', () => {
    const profile = JSON.parse(readFileSync(connectionFile, 'utf8')) as { consensus?: string; fabricVersion: string };
    expect(profile.consensus).toBe('bft');
    expect(Number(profile.fabricVersion.split('.')[0])).toBeGreaterThanOrEqual(3);
  });

  describeLedgerPortConformance(target);

  describe('one orderer stopped during a stream of transactions', () => {
    it('loses and repeats none; the chain keeps growing', async () => {
      const port = new MvccRetryingLedgerPort(openAdapter(), 3);
      try {
        await setUpConsortium(port, target);
        const member = organisationIdentity('Org2MSP');
        const requests = Array.from({ length: 60 }, () => datasetVersion());
        const results: SubmitResult[] = [];
        let heightAtStop = 0;
        // Four writers, one after another each; orderer 2 is stopped once a third has committed.
        const writer = async (offset: number): Promise<void> => {
          for (let i = offset; i < requests.length; i += 4) {
            results.push(await port.submit(member, ContractName.Dataset, 'addDataset', [JSON.stringify(requests[i])]));
            if (results.length === 20 && heightAtStop === 0) {
              heightAtStop = (await port.chainInfo()).height;
              stopNetworkProcess(network!, 'orderer2');
            }
          }
        };
        await Promise.all([0, 1, 2, 3].map(writer));

        expect(results).toHaveLength(requests.length);
        expect(new Set(results.map((r) => r.txId)).size).toBe(requests.length);
        expect(heightAtStop).toBeGreaterThan(0);
        expect((await port.chainInfo()).height).toBeGreaterThan(heightAtStop);
        // Each dataset exactly once on the chain: its record written by the transaction that answered, one event.
        const answered = new Map(results.map((r) => [(JSON.parse(r.result) as { datasetId: string }).datasetId, r.txId]));
        for (const [i, request] of requests.entries()) {
          const record = JSON.parse(await port.evaluate(member, ContractName.Dataset, 'getDataset', [JSON.stringify({ datasetId: request.datasetId })])) as { txId: string };
          expect(record.txId).toBe(answered.get(request.datasetId));
          if (i % 10 === 0) expect((await port.getTransaction(record.txId)).validationCode).toBe('VALID');
        }
        const firstBlock = Math.min(...results.map((r) => r.blockNumber));
        const ids = new Set(requests.map((r) => r.datasetId));
        const seen = new Map<string, number>();
        const lastBlock = Math.max(...results.map((r) => r.blockNumber));
        for await (const event of port.chaincodeEvents({ blockNumber: firstBlock })) {
          const datasetId = (JSON.parse(Buffer.from(event.payload).toString('utf8')) as { datasetId?: string }).datasetId;
          if (datasetId !== undefined && ids.has(datasetId)) seen.set(datasetId, (seen.get(datasetId) ?? 0) + 1);
          if (event.blockNumber >= lastBlock && seen.size === ids.size) break;
        }
        expect(seen.size).toBe(ids.size);
        expect([...seen.values()].every((n) => n === 1)).toBe(true);
      } finally {
        await port.close();
      }
    });
  });

  describe('two of the four orderers stopped (the rest are short of a quorum)', () => {
    it('hands a transaction to the orderers again until a quorum takes it; it commits once', async () => {
      // Once a quorum is back, SmartBFT may first change its view (20 s timeouts here) before it orders again.
      const open = (resubmitMs: number) => FabricLedgerAdapter.open({ profile: loadConnectionProfile(connectionFile), deadlines: { resubmitMs, commitStatusMs: 150_000 } });
      const once = open(0);
      const resending = open(120_000);
      const member = organisationIdentity('Org2MSP');
      try {
        await setUpConsortium(resending, target);
        await stopNetworkProcessAndWait(network!, 'orderer2');
        await stopNetworkProcessAndWait(network!, 'orderer3');
        // Handed over once, the gateway's answer is the answer: two of four orderers cannot take it.
        await expect(once.submit(member, ContractName.Dataset, 'addDataset', [JSON.stringify(datasetVersion())])).rejects.toMatchObject({ code: LedgerErrorCode.UNAVAILABLE, message: expect.stringContaining('quorum') });

        await expectResentUntilOrderersAreBack(resending, member, async () => {
          await network!.script('start', 'orderer3');
          await network!.script('start', 'orderer2');
        });
      } finally {
        await once.close();
        await resending.close();
      }
    });
  });
});
