// Test support: adds organisations with client identities only, no peer, to the channel of a local
// network started by infra/fabric/network.sh. The conformance suites (Raft and SmartBFT) add Org3MSP, a
// governing MSP that is not a member and owns no dataset (the 2-organisation network has only Org1MSP and
// Org2MSP, both members). A member institution joins differently, with a peer of its own, through
// network.sh's signed channel update (support/join-organisation.ts): its records' key-level policies
// need its own peer.
//
// What configtxlator + `peer channel update` would do, in-process: cryptogen for the new organisations'
// material; the channel's current config from its genesis block (the script never updates the channel,
// so this works once per network: every organisation a test needs goes into that one update); each new
// organisation's group cloned from Org2's with its own certificates and MSP id; a ConfigUpdate (read set
// / write set of the Application group, new version) signed by both organisations' admins (the
// Application group's `MAJORITY Admins`), broadcast to the orderer. The caller waits until the peers
// accept the new identities (they do once they have committed the config block). Writes a connection
// file with one more organisation entry per new MSP (its user, through an existing organisation's peer).
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { signers } from '@hyperledger/fabric-gateway';
import { common, msp, orderer } from '@hyperledger/fabric-protos';

const run = promisify(execFile);
export const ORG3_MSP = 'Org3MSP';

/** The map fields of a ConfigGroup, typed (google-protobuf's jspb.Map has no typings installed here). */
interface PbMap<V> {
  get(key: string): V | undefined;
  set(key: string, value: V): unknown;
  del(key: string): boolean;
  getEntryList(): [string, V][];
}
interface TypedConfigGroup {
  getGroupsMap(): PbMap<common.ConfigGroup>;
  getValuesMap(): PbMap<common.ConfigValue>;
  getPoliciesMap(): PbMap<common.ConfigPolicy>;
}
const typed = (g: common.ConfigGroup): TypedConfigGroup => g;
const groupsOf = (g: common.ConfigGroup): PbMap<common.ConfigGroup> => typed(g).getGroupsMap();
const valuesOf = (g: common.ConfigGroup): PbMap<common.ConfigValue> => typed(g).getValuesMap();
const policiesOf = (g: common.ConfigGroup): PbMap<common.ConfigPolicy> => typed(g).getPoliciesMap();
/** Entries of a map field; each value is re-wrapped so its message type is known. */
const entriesOf = <V>(map: PbMap<V>): [string, V][] => map.getEntryList().map(([k]) => [k, map.get(k) as V]);


interface RawProfile {
  dataDir: string;
  channel: string;
  orderer: { endpoint: string; hostOverride?: string; tlsCACertPath: string };
  organizations: {
    mspId: string;
    peer: { endpoint: string; hostOverride?: string; tlsCACertPath: string };
    user: { name: string; certPath: string; keyPath: string };
    admin: { name: string; certPath: string; keyPath: string };
  }[];
}

/** An organisation to add: its MSP id, a cryptogen name and DNS domain, the peer its clients use. */
export interface NewOrganisation {
  mspId: string;
  /** cryptogen organisation name (letters and digits). */
  name: string;
  /** DNS domain of its certificates, e.g. `org3.phdmf.local`. */
  domain: string;
  /** Which existing organisation's peer its clients use as their gateway (default: the first). */
  gatewayOf?: string;
}

/** Adds Org3MSP to the channel; returns the path of a connection file that also holds Org3's user. */
export function addThirdOrganisation(connectionFile: string, binDir: string): Promise<string> {
  return addOrganisations(connectionFile, binDir, [{ mspId: ORG3_MSP, name: 'Org3', domain: 'org3.phdmf.local' }], 'connection-org3.json');
}

/**
 * Adds `organisations` to the channel in one config update; returns the path of a connection file
 * (`fileName` in the network's data directory) holding the original organisations and the new ones.
 */
export async function addOrganisations(connectionFile: string, binDir: string, organisations: readonly NewOrganisation[], fileName: string): Promise<string> {
  if (organisations.length === 0) throw new Error('no organisation to add');
  const profile = JSON.parse(readFileSync(connectionFile, 'utf8')) as RawProfile;
  const cryptoDir = path.join(profile.dataDir, `crypto-${path.basename(fileName, '.json')}`);
  const configFile = path.join(profile.dataDir, `crypto-${path.basename(fileName, '.json')}.yaml`);
  writeFileSync(
    configFile,
    `PeerOrgs:\n${organisations.map((o) => `  - Name: ${o.name}\n    Domain: ${o.domain}\n    EnableNodeOUs: true\n    Template:\n      Count: 0\n    Users:\n      Count: 1\n`).join('')}`,
  );
  await run(path.join(binDir, 'cryptogen'), ['generate', `--config=${configFile}`, `--output=${cryptoDir}`]);

  // The channel's config: its genesis block (the only config block of a network.sh channel).
  const genesis = common.Block.deserializeBinary(readFileSync(path.join(profile.dataDir, 'artifacts', `${profile.channel}.block`)));
  const envelope = common.Envelope.deserializeBinary(genesis.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
  const config = common.ConfigEnvelope.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getData_asU8()).getConfig();
  const channelGroup = config?.getChannelGroup();
  if (channelGroup === undefined) throw new Error('unexpected channel config: no channel group');
  const application = groupsOf(channelGroup).get('Application');
  const org2 = application === undefined ? undefined : groupsOf(application).get('Org2MSP');
  if (application === undefined || org2 === undefined) throw new Error('unexpected channel config: no Application/Org2MSP group');

  const groups = organisations.map((o) => {
    const orgDir = path.join(cryptoDir, 'peerOrganizations', o.domain);
    const group = organisationGroup(org2, o.mspId, readFileSync(path.join(orgDir, 'msp/cacerts', `ca.${o.domain}-cert.pem`)), readFileSync(path.join(orgDir, 'msp/tlscacerts', `tlsca.${o.domain}-cert.pem`)));
    return { o, orgDir, group };
  });

  // Read set: the Application group as it is (children by version only); write set: one version more, plus the new organisations.
  const versionsOnly = (group: common.ConfigGroup): common.ConfigGroup => {
    const copy = new common.ConfigGroup();
    copy.setVersion(group.getVersion());
    for (const [name, child] of entriesOf(groupsOf(group))) groupsOf(copy).set(name, versionsOnly(child));
    for (const [name, value] of entriesOf(valuesOf(group))) {
      const v = new common.ConfigValue();
      v.setVersion(value.getVersion());
      valuesOf(copy).set(name, v);
    }
    for (const [name, policy] of entriesOf(policiesOf(group))) {
      const p = new common.ConfigPolicy();
      p.setVersion(policy.getVersion());
      policiesOf(copy).set(name, p);
    }
    return copy;
  };
  const shallow = (group: common.ConfigGroup): common.ConfigGroup => {
    const copy = versionsOnly(group);
    for (const [name, child] of entriesOf(groupsOf(group))) {
      const c = new common.ConfigGroup();
      c.setVersion(child.getVersion());
      groupsOf(copy).set(name, c);
    }
    return copy;
  };
  const readApplication = shallow(application);
  const writeApplication = shallow(application);
  writeApplication.setVersion(application.getVersion() + 1);
  writeApplication.setModPolicy(application.getModPolicy());
  for (const { o, group } of groups) groupsOf(writeApplication).set(o.mspId, group);
  const readSet = new common.ConfigGroup();
  readSet.setVersion(channelGroup.getVersion());
  groupsOf(readSet).set('Application', readApplication);
  const writeSet = new common.ConfigGroup();
  writeSet.setVersion(channelGroup.getVersion());
  groupsOf(writeSet).set('Application', writeApplication);
  const update = new common.ConfigUpdate();
  update.setChannelId(profile.channel);
  update.setReadSet(readSet);
  update.setWriteSet(writeSet);
  const updateBytes = update.serializeBinary();

  const admins = profile.organizations.map((o) => ({ mspId: o.mspId, cert: readFileSync(o.admin.certPath), sign: signers.newPrivateKeySigner(createPrivateKey(readFileSync(o.admin.keyPath))) }));
  const signatureHeaderOf = (admin: (typeof admins)[number]): Uint8Array => {
    const creator = new msp.SerializedIdentity();
    creator.setMspid(admin.mspId);
    creator.setIdBytes(admin.cert);
    const header = new common.SignatureHeader();
    header.setCreator(creator.serializeBinary());
    header.setNonce(randomBytes(24));
    return header.serializeBinary();
  };
  const sha256 = (...parts: Uint8Array[]): Uint8Array => {
    const h = createHash('sha256');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(updateBytes);
  for (const admin of admins) {
    const signatureHeader = signatureHeaderOf(admin);
    const signature = new common.ConfigSignature();
    signature.setSignatureHeader(signatureHeader);
    signature.setSignature(await admin.sign(sha256(signatureHeader, updateBytes)));
    updateEnvelope.addSignatures(signature);
  }
  const submitter = admins[0];
  if (submitter === undefined) throw new Error('no admin identity in the connection file');
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(profile.channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeaderOf(submitter));
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const payloadBytes = payload.serializeBinary();
  const signed = new common.Envelope();
  signed.setPayload(payloadBytes);
  signed.setSignature(await submitter.sign(sha256(payloadBytes)));
  await broadcast(profile, signed);

  const added = groups.map(({ o, orgDir }) => {
    const user = path.join(orgDir, 'users', `User1@${o.domain}`, 'msp');
    const keyDir = path.join(user, 'keystore');
    const keyFile = readdirSync(keyDir)[0];
    if (keyFile === undefined) throw new Error(`no key in ${keyDir}`);
    const gateway = o.gatewayOf === undefined ? profile.organizations[0] : profile.organizations.find((org) => org.mspId === o.gatewayOf);
    if (gateway === undefined) throw new Error(`no organisation ${o.gatewayOf ?? ''} in the connection file to lend its peer`);
    return {
      mspId: o.mspId,
      // The new organisation has no peer of its own: its clients use an existing organisation's gateway.
      peer: gateway.peer,
      user: { name: `User1@${o.domain}`, certPath: path.join(user, 'signcerts', `User1@${o.domain}-cert.pem`), keyPath: path.join(keyDir, keyFile) },
    };
  });
  const file = path.join(profile.dataDir, fileName);
  writeFileSync(file, JSON.stringify({ ...profile, organizations: [...profile.organizations, ...added] }, null, 2));
  return file;
}

/** Org2's group as a template, with another MSP id, CA and TLS CA (NodeOUs and policies follow). */
function organisationGroup(template: common.ConfigGroup, mspId: string, caCert: Buffer, tlsCaCert: Buffer): common.ConfigGroup {
  const group = common.ConfigGroup.deserializeBinary(template.serializeBinary());
  valuesOf(group).del('AnchorPeers');
  const mspValue = valuesOf(group).get('MSP');
  if (mspValue === undefined) throw new Error('the template organisation has no MSP value');
  const mspConfig = msp.MSPConfig.deserializeBinary(mspValue.getValue_asU8());
  const fabricMsp = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  fabricMsp.setName(mspId);
  fabricMsp.setRootCertsList([caCert]);
  fabricMsp.setTlsRootCertsList([tlsCaCert]);
  fabricMsp.setIntermediateCertsList([]);
  fabricMsp.setAdminsList([]);
  const ous = fabricMsp.getFabricNodeOus();
  for (const ou of [ous?.getClientOuIdentifier(), ous?.getPeerOuIdentifier(), ous?.getAdminOuIdentifier(), ous?.getOrdererOuIdentifier()]) ou?.setCertificate(caCert);
  mspConfig.setConfig(fabricMsp.serializeBinary());
  mspValue.setValue(mspConfig.serializeBinary());
  for (const [, configPolicy] of entriesOf(policiesOf(group))) {
    const policy = configPolicy.getPolicy();
    if (policy === undefined || policy.getType() !== common.Policy.PolicyType.SIGNATURE) continue;
    const envelopeOfPolicy = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    for (const principal of envelopeOfPolicy.getIdentitiesList()) {
      if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) continue;
      const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
      role.setMspIdentifier(mspId);
      principal.setPrincipal(role.serializeBinary());
    }
    policy.setValue(envelopeOfPolicy.serializeBinary());
  }
  return group;
}

async function broadcast(profile: RawProfile, envelope: common.Envelope): Promise<void> {
  const client = new orderer.AtomicBroadcastClient(
    profile.orderer.endpoint,
    grpc.credentials.createSsl(readFileSync(profile.orderer.tlsCACertPath)),
    profile.orderer.hostOverride !== undefined ? { 'grpc.ssl_target_name_override': profile.orderer.hostOverride } : {},
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const stream = client.broadcast();
      stream.on('data', (response: orderer.BroadcastResponse) => {
        stream.end();
        if (response.getStatus() === common.Status.SUCCESS) resolve();
        else reject(new Error(`the orderer refused the channel update: ${response.getStatus()} ${response.getInfo()}`));
      });
      stream.on('error', reject);
      stream.write(envelope);
    });
  } finally {
    client.close();
  }
}
