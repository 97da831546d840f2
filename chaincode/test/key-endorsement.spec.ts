import './support/quiet';
// The test decodes the policy bytes the chaincode writes with Fabric's own message types; the chaincode itself never loads them (fabric-shim bundles an older copy that clashes, see src/key-policy.ts).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { common, msp } from '@hyperledger/fabric-protos';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { ObjectType } from '../src';
import { peerOfOrganisationPolicy } from '../src/key-policy';
import { HOSPITAL_A, withGrant } from './support/builders';

/** The organisations and roles a key-level policy requires, decoded from its SignaturePolicyEnvelope bytes. */
function requiredEndorsers(policy: Uint8Array | undefined): { mspId: string; role: string; n: number } | undefined {
  if (policy === undefined) return undefined;
  const envelope = common.SignaturePolicyEnvelope.deserializeBinary(policy);
  const identities = envelope.getIdentitiesList().map((principal) => msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()));
  const roleNames = Object.fromEntries(Object.entries(msp.MSPRole.MSPRoleType).map(([name, value]) => [value, name]));
  const [only] = identities;
  if (only === undefined || identities.length !== 1) throw new Error(`expected one principal, got ${identities.length}`);
  return { mspId: only.getMspIdentifier(), role: roleNames[only.getRole()] ?? String(only.getRole()), n: envelope.getRule()?.getNOutOf()?.getN() ?? -1 };
}

/** A composite key as Fabric builds it. */
const keyOf = (type: string, ...attributes: string[]): string => `\u0000${type}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;

describe('key-level endorsement (owner protection)', () => {
  it.each(['HospitalAMSP', 'hospital-b-1f2e3d4c-msp', 'M'.repeat(200)])("encodes the owner's policy byte for byte as fabric-shim's KeyEndorsementPolicy does (%#)", (mspId) => {
    const shim = new KeyEndorsementPolicy();
    shim.addOrgs('PEER', mspId);
    expect(Buffer.from(peerOfOrganisationPolicy(mspId)).toString('hex')).toBe(Buffer.from(shim.getPolicy()).toString('hex'));
    expect(requiredEndorsers(peerOfOrganisationPolicy(mspId))).toEqual({ mspId, role: 'PEER', n: 1 });
  });

  it("puts the dataset record, each access request and a dp grant's budget under a policy naming only the owner's peers", async () => {
    const world = await withGrant(undefined, { privacyMode: 'dp', budgetRho: 1 });
    const ownerOnly = { mspId: HOSPITAL_A.mspId, role: 'PEER', n: 1 };
    for (const k of [keyOf(ObjectType.Dataset, 'ds-1'), keyOf(ObjectType.Request, 'req-1'), keyOf(ObjectType.Budget, 'req-1')]) {
      expect(world.ledger.state.has(k)).toBe(true);
      expect(requiredEndorsers(world.ledger.validationParameters.get(k))).toEqual(ownerOnly);
    }
  });

  it('leaves shared records (members, provenance, indexes) under the chaincode-level policy', async () => {
    const world = await withGrant();
    const protectedTypes = new Set<string>([ObjectType.Dataset, ObjectType.Request, ObjectType.Budget]);
    const unprotected = [...world.ledger.state.keys()].filter((k) => !protectedTypes.has(k.split('\u0000')[1] ?? ''));
    expect(unprotected.length).toBeGreaterThan(0);
    for (const k of unprotected) expect(world.ledger.validationParameters.has(k)).toBe(false);
  });
});
