// A consortium that grows and shrinks on a real Fabric network, through infra/fabric/network.sh's
// operator commands only (the test never builds or sends a channel update itself), and what protects an
// owner's records once there are more members than the owner: key-level endorsement.
//
// The network starts with two organisations, a peer each: Org1MSP governs (the consortium's operator;
// the chaincode keeps the governor apart from the members), Org2MSP is member A. Endorsement policy:
// MAJORITY of the channel's members. Org3MSP (member C) applies and is admitted on-chain; its
// organisation joins the channel by a config update that Org1's and Org2's admins each sign with their own
// admin identity; its peer endorses. Then a grant on A's dataset endorsed by Org1's and Org3's peers — a
// majority, every member but A — is invalidated at validation (ENDORSEMENT_POLICY_FAILURE), and likewise
// a change of C's dataset without C's peer. Finally Org3 is removed by the reverse update. Needs the Fabric binaries (FABRIC_BIN or PATH); skipped with one line
// without them.
import '../../apps/ledger/src/chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import { peer as peerProtos } from '@hyperledger/fabric-protos';
import { LedgerErrorCode } from '@phdmf/contracts';
import { eventually } from '@phdmf/testing';
import { ContractName } from '../../apps/ledger/src/chaincode/phdmf-chaincode';
import { organisationIdentity } from '../../apps/ledger/src/identity/signing-identity.resolver';
import { accessRequest, admission, datasetVersion } from '../../apps/ledger/src/ledger-port/conformance/builders';
import { loadConnectionProfile } from '../../apps/ledger/src/ledger-port/fabric/connection-profile';
import { FabricLedgerAdapter } from '../../apps/ledger/src/ledger-port/fabric/fabric-ledger.adapter';
import { findFabricBinaries, startLocalFabricNetwork, type LocalFabricNetwork } from '../../bench/fabric/local-network';
import { proposedUpdate } from './support/join-organisation';

jest.setTimeout(300_000);

const binaries = findFabricBinaries();
if ('missing' in binaries) {
  process.stderr.write(`e2e/fabric consortium growth skipped: ${binaries.missing} (set FABRIC_BIN to a Fabric >= 2.4 bin directory to run it)\n`);
}
const describeWithFabric = 'missing' in binaries ? describe.skip : describe;

const ORG1 = 'Org1MSP';
const ORG2 = 'Org2MSP';
const ORG3 = 'Org3MSP';

interface ProfileJson {
  organizations: { mspId: string; peer: { endpoint: string; hostOverride?: string; tlsCACertPath: string }; user: { certPath: string; keyPath: string } }[];
}

describeWithFabric('a Fabric consortium that grows: admission through signed channel updates, owner endorsement', () => {
  let started: LocalFabricNetwork | undefined;
  let opened: FabricLedgerAdapter | undefined;
  const net = (): LocalFabricNetwork => {
    if (started === undefined) throw new Error('the network did not start');
    return started;
  };
  const port = (): FabricLedgerAdapter => {
    if (opened === undefined) throw new Error('no ledger adapter');
    return opened;
  };
  const governor = organisationIdentity(ORG1);
  const memberA = organisationIdentity(ORG2);
  const memberC = organisationIdentity(ORG3);
  const submit = (identity: typeof governor, contract: string, fn: string, request: object) => port().submit(identity, contract, fn, [JSON.stringify(request)]);
  const reopen = async (): Promise<void> => {
    await port().close();
    opened = FabricLedgerAdapter.open({ profile: loadConnectionProfile(net().connectionFile) });
  };

  beforeAll(async () => {
    if ('missing' in binaries) throw new Error(binaries.missing);
    started = await startLocalFabricNetwork(binaries.binDir, { organisations: 2, reserveOrganisations: 3 });
    opened = FabricLedgerAdapter.open({ profile: loadConnectionProfile(started.connectionFile) });
    await submit(governor, ContractName.Consortium, 'initialize', { consortiumName: 'Growing consortium' });
    await submit(governor, ContractName.Consortium, 'admitMember', admission('growth-a', ORG2));
  }, 240_000);

  afterAll(async () => {
    await opened?.close();
    await started?.stop();
  }, 60_000);

  it('admits a third organisation: an update one member signed is refused, the one both signed joins it; its peer endorses', async () => {
    // The application is decided on-chain first (the governor admits the member and its MSP).
    await submit(governor, ContractName.Consortium, 'admitMember', admission('growth-c', ORG3));

    await net().script('org', 'init', '3');
    const update = proposedUpdate(await net().script('org', 'propose-add', '3', '--as', '1'));
    await net().script('channel', 'sign', update, 'org1');
    // MAJORITY Admins of two members is both: Org1's signature alone does not change the channel.
    await expect(net().script('channel', 'submit', update, 'org1')).rejects.toThrow(/refused|policy|signature/i);
    await net().script('channel', 'sign', update, 'org2');
    await net().script('channel', 'submit', update, 'org1');
    await net().script('org', 'join', '3');

    const profile = JSON.parse(readFileSync(net().connectionFile, 'utf8')) as ProfileJson;
    expect(profile.organizations.map((o) => o.mspId)).toEqual([ORG1, ORG2, ORG3]);
    await reopen();
    // Org3's own client, through Org3's own peer (its gateway): a dataset of its own, endorsed by a
    // majority of the three members, Org3's peer among them.
    const added = await submit(memberC, ContractName.Dataset, 'addDataset', datasetVersion({ datasetId: 'growth-c-cohort' }));
    const tx = await port().findTransaction(added.txId);
    expect(tx).toMatchObject({ validationCode: 'VALID', creatorMspId: ORG3 });
    expect(tx.endorserMspIds).toContain(ORG3);
    expect(new Set(tx.endorserMspIds).size).toBeGreaterThanOrEqual(2);
  });

  it("refuses at validation a grant on A's dataset endorsed by every other member's peer but not A's (key-level endorsement)", async () => {
    const { datasetId } = await submit(memberA, ContractName.Dataset, 'addDataset', datasetVersion()).then((r) => JSON.parse(r.result) as { datasetId: string });
    const request = accessRequest(datasetId);
    await submit(governor, ContractName.Access, 'requestAccess', request);
    const grant = JSON.stringify({ requestId: request.requestId, operator: 'reviewer-a' });

    // A proposal the chaincode accepts (signed by A's client), endorsed only by Org1's and Org3's peers:
    // a majority of the members, enough for the chaincode-level policy, not for the request's own key.
    const byOthers = await submitEndorsedBy(net().connectionFile, ORG2, [ORG1, ORG3], `${ContractName.Access}:grantAccess`, grant);
    expect(byOthers.code).toBe(peerProtos.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    const unchanged = JSON.parse(await port().evaluate(governor, ContractName.Access, 'getRequest', [JSON.stringify({ requestId: request.requestId })])) as { status: string };
    expect(unchanged.status).toBe('pending');

    // The same majority suffices where no owner's key is written: a new dataset of A's.
    const control = await submitEndorsedBy(net().connectionFile, ORG2, [ORG1, ORG3], `${ContractName.Dataset}:addDataset`, JSON.stringify(datasetVersion()));
    expect(control.code).toBe(peerProtos.TxValidationCode.VALID);

    // Through the ledger service the gateway plans the endorsement with the key's policy: A's peer endorses.
    const granted = await port().submit(memberA, ContractName.Access, 'grantAccess', [grant]);
    const tx = await port().findTransaction(granted.txId);
    expect(tx.validationCode).toBe('VALID');
    expect(tx.endorserMspIds).toContain(ORG2);
  });

  it("protects the newcomer's records the same way: C's dataset changes only with C's peer", async () => {
    const { datasetId } = await submit(memberC, ContractName.Dataset, 'addDataset', datasetVersion()).then((r) => JSON.parse(r.result) as { datasetId: string });
    const refused = await submitEndorsedBy(net().connectionFile, ORG3, [ORG1, ORG2], `${ContractName.Dataset}:setStance`, JSON.stringify({ datasetId, stance: 'closed', operator: 'staff-c' }));
    expect(refused.code).toBe(peerProtos.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
    // Through the ledger service (Org3's gateway plans with the key's policy) it commits.
    const closed = await submit(memberC, ContractName.Dataset, 'setStance', { datasetId, stance: 'closed', operator: 'staff-c' });
    const tx = await port().findTransaction(closed.txId);
    expect(tx.validationCode).toBe('VALID');
    expect(tx.endorserMspIds).toContain(ORG3);
  });

  it('removes the third organisation by the reverse update: its clients are refused, the others go on', async () => {
    const update = proposedUpdate(await net().script('org', 'propose-remove', '3', '--as', '1'));
    // MAJORITY Admins of three members: two signatures, Org3's is not needed.
    await net().script('channel', 'sign', update, 'org2');
    await net().script('channel', 'submit', update, 'org1');
    await net().script('org', 'leave', '3');
    const profile = JSON.parse(readFileSync(net().connectionFile, 'utf8')) as ProfileJson;
    expect(profile.organizations.map((o) => o.mspId)).toEqual([ORG1, ORG2]);

    // Org3's client, through Org1's peer, is no longer a channel member.
    await eventually(
      async () => {
        const outcome = await evaluateAs(net().connectionFile, { mspId: ORG3, certPath: org3Cert(net()), keyPath: org3Key(net()) }, ORG1, `${ContractName.Consortium}:listMembers`, '{}').then(
          () => 'accepted',
          () => 'refused',
        );
        return outcome === 'refused';
      },
      "the peers to refuse Org3MSP's client after its removal",
      60_000,
    );
    await reopen();
    const added = await submit(memberA, ContractName.Dataset, 'addDataset', datasetVersion());
    const tx = await port().findTransaction(added.txId);
    expect(tx.validationCode).toBe('VALID');
    expect([...new Set(tx.endorserMspIds)].sort()).toEqual([ORG1, ORG2]);
    await expect(port().evaluate(memberC, ContractName.Consortium, 'listMembers', ['{}'])).rejects.toMatchObject({ code: LedgerErrorCode.INVALID_INPUT });
  });
});

// --- a bare fabric-gateway client, for what the ledger service never does: choose the endorsers ---

function org3Dir(network: LocalFabricNetwork): string {
  return `${network.dataDir}/crypto/peerOrganizations/org3.phdmf.local/users/User1@org3.phdmf.local/msp`;
}
function org3Cert(network: LocalFabricNetwork): string {
  return `${org3Dir(network)}/signcerts/User1@org3.phdmf.local-cert.pem`;
}
function org3Key(network: LocalFabricNetwork): string {
  return `${org3Dir(network)}/keystore/priv_sk`;
}

function gatewayFor(connectionFile: string, user: { mspId: string; certPath: string; keyPath: string }, viaMsp: string): { gateway: Gateway; client: grpc.Client } {
  const profile = JSON.parse(readFileSync(connectionFile, 'utf8')) as ProfileJson;
  const via = profile.organizations.find((o) => o.mspId === viaMsp);
  if (via === undefined) throw new Error(`no ${viaMsp} in ${connectionFile}`);
  const client = new grpc.Client(via.peer.endpoint, grpc.credentials.createSsl(readFileSync(via.peer.tlsCACertPath)), via.peer.hostOverride ? { 'grpc.ssl_target_name_override': via.peer.hostOverride } : {});
  const gateway = connect({
    client,
    identity: { mspId: user.mspId, credentials: readFileSync(user.certPath) },
    signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(user.keyPath))),
    hash: hash.sha256,
  });
  return { gateway, client };
}

function userOf(connectionFile: string, mspId: string): { mspId: string; certPath: string; keyPath: string } {
  const org = (JSON.parse(readFileSync(connectionFile, 'utf8')) as ProfileJson).organizations.find((o) => o.mspId === mspId);
  if (org === undefined) throw new Error(`no ${mspId} in ${connectionFile}`);
  return { mspId, certPath: org.user.certPath, keyPath: org.user.keyPath };
}

/** Submits `fn(arg)` signed by `signerMsp`'s client, endorsed by exactly `endorsers`; the commit status. */
async function submitEndorsedBy(connectionFile: string, signerMsp: string, endorsers: string[], fn: string, arg: string): Promise<{ code: number; txId: string }> {
  const { gateway, client } = gatewayFor(connectionFile, userOf(connectionFile, signerMsp), endorsers[0] ?? signerMsp);
  try {
    const contract = gateway.getNetwork('phdmf').getContract('phdmf');
    const submitted = await contract.newProposal(fn, { arguments: [arg], endorsingOrganizations: endorsers }).endorse().then((t) => t.submit());
    const status = await submitted.getStatus();
    return { code: status.code, txId: submitted.getTransactionId() };
  } finally {
    gateway.close();
    client.close();
  }
}

async function evaluateAs(connectionFile: string, user: { mspId: string; certPath: string; keyPath: string }, viaMsp: string, fn: string, arg: string): Promise<string> {
  const { gateway, client } = gatewayFor(connectionFile, user, viaMsp);
  try {
    return Buffer.from(await gateway.getNetwork('phdmf').getContract('phdmf').evaluateTransaction(fn, arg)).toString('utf8');
  } finally {
    gateway.close();
    client.close();
  }
}
