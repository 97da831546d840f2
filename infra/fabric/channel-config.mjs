#!/usr/bin/env node
// Builds the channel configuration update that adds a member organisation to the channel, or removes
// one, from the channel's current config block. What `configtxlator compute_update` does, in-process with
// @hyperledger/fabric-protos (already a dependency of the ledger service), so a platform team needs no
// further Fabric tool. The output is an unsigned CONFIG_UPDATE envelope: each member organisation's
// admin then adds its signature with `peer channel signconfigtx -f FILE` (its own admin identity, on its
// own machine), and one of them submits it with `peer channel update -f FILE` (network.sh channel sign /
// channel submit). Nothing here signs or talks to the network.
//
//   node channel-config.mjs add-org --config-block B --channel C --msp-id ID --msp-dir DIR --anchor HOST:PORT --out FILE
//   node channel-config.mjs remove-org --config-block B --channel C --msp-id ID --out FILE
//
// The new organisation's group gets the same policies as configtx.yaml gives the founding ones
// (Readers: admin/peer/client, Writers: admin/client, Admins: admin, Endorsement: peer, each of its own
// MSP) and its anchor peer; its MSP is its CA and TLS CA certificates with NodeOUs (client, peer, admin,
// orderer), as cryptogen and Fabric CA issue them. The group is modelled on an existing member's group
// (same MSP settings and policy shapes), with the new MSP id and certificates.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import protos from '@hyperledger/fabric-protos';

const { common, msp, peer } = protos;

function fail(message) {
  process.stderr.write(`channel-config: ${message}\n`);
  process.exit(1);
}

/** The channel's Config from a config block (`peer channel fetch config`, or the genesis block). */
export function configOfBlock(blockBytes) {
  const block = common.Block.deserializeBinary(blockBytes);
  const envelope = common.Envelope.deserializeBinary(block.getData()?.getDataList_asU8()[0] ?? new Uint8Array());
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const type = common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array()).getType();
  if (type !== common.HeaderType.CONFIG) fail(`not a config block (header type ${type})`);
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (config?.getChannelGroup() === undefined) fail('config block without a channel group');
  return config;
}

/** A group with only the versions of itself and its direct children: the read set of an update. */
function versionsOnly(group, depth) {
  const copy = new common.ConfigGroup();
  copy.setVersion(group.getVersion());
  if (depth === 0) return copy;
  for (const [name] of group.getGroupsMap().getEntryList()) copy.getGroupsMap().set(name, versionsOnly(group.getGroupsMap().get(name), depth - 1));
  for (const [name] of group.getValuesMap().getEntryList()) {
    const value = new common.ConfigValue();
    value.setVersion(group.getValuesMap().get(name).getVersion());
    copy.getValuesMap().set(name, value);
  }
  for (const [name] of group.getPoliciesMap().getEntryList()) {
    const policy = new common.ConfigPolicy();
    policy.setVersion(group.getPoliciesMap().get(name).getVersion());
    copy.getPoliciesMap().set(name, policy);
  }
  return copy;
}

/** An existing member's group turned into `mspId`'s: its MSP certificates, its own policies, its anchor peer. */
function organisationGroup(template, mspId, caCert, tlsCaCert, anchor) {
  const group = common.ConfigGroup.deserializeBinary(template.serializeBinary());
  group.setVersion(0);
  const mspValue = group.getValuesMap().get('MSP');
  if (mspValue === undefined) fail('the template organisation has no MSP value');
  const mspConfig = msp.MSPConfig.deserializeBinary(mspValue.getValue_asU8());
  const fabricMsp = msp.FabricMSPConfig.deserializeBinary(mspConfig.getConfig_asU8());
  fabricMsp.setName(mspId);
  fabricMsp.setRootCertsList([caCert]);
  fabricMsp.setTlsRootCertsList([tlsCaCert]);
  fabricMsp.setIntermediateCertsList([]);
  fabricMsp.setTlsIntermediateCertsList([]);
  fabricMsp.setAdminsList([]);
  fabricMsp.setRevocationListList([]);
  const ous = fabricMsp.getFabricNodeOus();
  if (ous === undefined || !ous.getEnable()) fail('the template organisation has no NodeOUs; PHDMF networks use NodeOUs');
  for (const ou of [ous.getClientOuIdentifier(), ous.getPeerOuIdentifier(), ous.getAdminOuIdentifier(), ous.getOrdererOuIdentifier()]) ou?.setCertificate(caCert);
  mspConfig.setConfig(fabricMsp.serializeBinary());
  mspValue.setValue(mspConfig.serializeBinary());
  mspValue.setVersion(0);
  for (const [name] of group.getPoliciesMap().getEntryList()) {
    const configPolicy = group.getPoliciesMap().get(name);
    configPolicy.setVersion(0);
    const policy = configPolicy.getPolicy();
    if (policy === undefined || policy.getType() !== common.Policy.PolicyType.SIGNATURE) continue;
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy.getValue_asU8());
    for (const principal of envelope.getIdentitiesList()) {
      if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) continue;
      const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
      role.setMspIdentifier(mspId);
      principal.setPrincipal(role.serializeBinary());
    }
    policy.setValue(envelope.serializeBinary());
  }
  const [host, port] = [anchor.slice(0, anchor.lastIndexOf(':')), Number(anchor.slice(anchor.lastIndexOf(':') + 1))];
  if (host === '' || !Number.isInteger(port)) fail(`--anchor must be HOST:PORT (got ${anchor})`);
  const anchorPeer = new peer.AnchorPeer();
  anchorPeer.setHost(host);
  anchorPeer.setPort(port);
  const anchorPeers = new peer.AnchorPeers();
  anchorPeers.setAnchorPeersList([anchorPeer]);
  const anchorValue = new common.ConfigValue();
  anchorValue.setModPolicy('Admins');
  anchorValue.setValue(anchorPeers.serializeBinary());
  group.getValuesMap().set('AnchorPeers', anchorValue);
  return group;
}

/** The first PEM file of an MSP sub-directory (cacerts, tlscacerts). */
function firstPem(dir) {
  const file = readdirSync(dir).filter((f) => f.endsWith('.pem')).sort()[0];
  if (file === undefined) fail(`no .pem file in ${dir}`);
  return readFileSync(path.join(dir, file));
}

/** The unsigned CONFIG_UPDATE envelope of `update`: what `peer channel signconfigtx` and `update` take. */
function unsignedUpdateEnvelope(channel, update) {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(update.serializeBinary());
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.CONFIG_UPDATE);
  channelHeader.setChannelId(channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(updateEnvelope.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope;
}

/**
 * The update changing the Application group's members: the read set pins the group and its members at
 * their versions; the write set bumps the group's version (its mod policy, MAJORITY Admins, then
 * decides) and holds the members after the change.
 */
function membershipUpdate(config, channel, change) {
  const channelGroup = config.getChannelGroup();
  const application = channelGroup.getGroupsMap().get('Application');
  if (application === undefined) fail('channel config without an Application group');
  const readApplication = versionsOnly(application, 1);
  const writeApplication = versionsOnly(application, 1);
  writeApplication.setVersion(application.getVersion() + 1);
  writeApplication.setModPolicy(application.getModPolicy());
  change(application, writeApplication);
  const readSet = new common.ConfigGroup();
  readSet.setVersion(channelGroup.getVersion());
  readSet.getGroupsMap().set('Application', readApplication);
  const writeSet = new common.ConfigGroup();
  writeSet.setVersion(channelGroup.getVersion());
  writeSet.getGroupsMap().set('Application', writeApplication);
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(readSet);
  update.setWriteSet(writeSet);
  return unsignedUpdateEnvelope(channel, update);
}

function members(application) {
  return application.getGroupsMap().getEntryList().map(([name]) => name);
}

function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      'config-block': { type: 'string' },
      channel: { type: 'string' },
      'msp-id': { type: 'string' },
      'msp-dir': { type: 'string' },
      anchor: { type: 'string' },
      out: { type: 'string' },
    },
  });
  for (const required of ['config-block', 'channel', 'msp-id', 'out']) if (!values[required]) fail(`--${required} is required`);
  const config = configOfBlock(readFileSync(values['config-block']));
  const mspId = values['msp-id'];
  let envelope;
  if (command === 'add-org') {
    if (!values['msp-dir'] || !values.anchor) fail('add-org needs --msp-dir and --anchor');
    envelope = membershipUpdate(config, values.channel, (application, write) => {
      if (members(application).includes(mspId)) fail(`${mspId} is already a member of channel ${values.channel}`);
      const template = application.getGroupsMap().get(members(application)[0]);
      if (template === undefined) fail('the channel has no member organisation to model the new one on');
      const mspDir = values['msp-dir'];
      write.getGroupsMap().set(mspId, organisationGroup(template, mspId, firstPem(path.join(mspDir, 'cacerts')), firstPem(path.join(mspDir, 'tlscacerts')), values.anchor));
    });
  } else if (command === 'remove-org') {
    envelope = membershipUpdate(config, values.channel, (application, write) => {
      if (!members(application).includes(mspId)) fail(`${mspId} is not a member of channel ${values.channel}`);
      if (members(application).length === 1) fail(`${mspId} is the channel's last member`);
      write.getGroupsMap().del(mspId);
    });
  } else {
    fail(`unknown command ${command ?? '(none)'}: add-org or remove-org`);
  }
  writeFileSync(values.out, envelope.serializeBinary());
  process.stdout.write(`${values.out}\n`);
}

main();
