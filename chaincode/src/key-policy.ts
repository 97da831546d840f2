// The bytes of a key-level endorsement policy requiring one peer of one organisation: a Fabric
// SignaturePolicyEnvelope `OutOf(1, '<msp>.peer')`, byte for byte what fabric-shim's KeyEndorsementPolicy
// (`addOrgs('PEER', msp)`, `getPolicy()`) produces — held equal by test/key-endorsement.spec.ts.
//
// Why not KeyEndorsementPolicy itself: it loads fabric-shim's own copy of @hyperledger/fabric-protos
// (0.2.x) beside the 0.3.x the ledger service's Fabric client uses, and google-protobuf registers both in
// one global namespace, so whichever loads last breaks the other's message type checks ("Expected
// argument of type common.Envelope"). This module is loaded in-process by the ledger service (embedded
// ledger, error parsing), so it encodes the five small messages by hand instead.

/** Protobuf wire type 0 (varint) and 2 (length-delimited). */
const VARINT = 0;
const BYTES = 2;
/** msp.MSPRole.MSPRoleType.PEER */
const ROLE_PEER = 3;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

const tag = (field: number, wireType: number): number[] => varint((field << 3) | wireType);
const varintField = (field: number, value: number): number[] => [...tag(field, VARINT), ...varint(value)];
const bytesField = (field: number, bytes: readonly number[]): number[] => [...tag(field, BYTES), ...varint(bytes.length), ...bytes];

/** SignaturePolicyEnvelope { rule: NOutOf(1, [SignedBy(0)]), identities: [MSPPrincipal(ROLE, MSPRole(mspId, PEER))] }. */
export function peerOfOrganisationPolicy(mspId: string): Uint8Array {
  const mspRole = [...bytesField(1, [...Buffer.from(mspId, 'utf8')]), ...varintField(2, ROLE_PEER)];
  // principal_classification ROLE is 0, proto3's default: not written.
  const principal = bytesField(2, mspRole);
  // signed_by is a oneof member: written even when 0.
  const signedByFirst = varintField(1, 0);
  const nOutOf = [...varintField(1, 1), ...bytesField(2, signedByFirst)];
  const rule = bytesField(2, nOutOf);
  // version 0: not written.
  return Uint8Array.from([...bytesField(2, rule), ...bytesField(3, principal)]);
}
