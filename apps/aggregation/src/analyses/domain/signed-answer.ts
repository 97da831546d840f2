// What makes any answer of a storage node acceptable, a summary or a model's: a signature that
// verifies with the node key registered on-chain, over a body that names this analysis, dataset,
// requester, grant, on-chain hash and version, made under a policy no looser than the consortium's
// floor. An answer that does not verify is not evidence of anything, whoever sent it. What the body
// must hold beyond that is the caller's (site-summary-check, site-model-check).
import { AggregationErrorCode, StorageSummarize, verifyNodeSignature, type NodeSignature } from '@phdmf/contracts';

/** What the head of one node's answer must say. */
export interface ExpectedHead {
  analysisId: string;
  datasetId: string;
  requester: string;
  grantRequestId: string;
  sha256: string;
  datasetVersion: number;
  nodeId: string;
  ownerMemberId: string;
  /** The node public key registered on-chain for the owner (SPKI PEM). */
  publicKeyPem: string;
}

export type Refusal = { ok: false; code: string; reason: string };
export type HeadCheck = { ok: true; body: Record<string, unknown> } | Refusal;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where an answer came from, for every refusal's reason. */
export function answerOf(expected: Pick<ExpectedHead, 'nodeId' | 'datasetId'>): string {
  return `node "${expected.nodeId}" (dataset "${expected.datasetId}")`;
}

/** A correctly signed answer that is not the one asked for. */
export function mismatch(expected: Pick<ExpectedHead, 'nodeId' | 'datasetId'>, what: string): Refusal {
  return { ok: false, code: AggregationErrorCode.SITE_RESPONSE_MISMATCH, reason: `${answerOf(expected)}: ${what}` };
}

/** The signature and the head's names; the body, unread beyond them, when both hold. */
export function checkSignedHead(answer: unknown, expected: ExpectedHead, what = 'summary'): HeadCheck {
  const at = answerOf(expected);
  if (!isObject(answer) || !isObject(answer.body) || !isObject(answer.signature)) {
    return { ok: false, code: AggregationErrorCode.SITE_SIGNATURE_INVALID, reason: `${at}: the answer is not a signed ${what}` };
  }
  const signature = answer.signature;
  if (typeof signature.algorithm !== 'string' || typeof signature.keyId !== 'string' || typeof signature.value !== 'string') {
    return { ok: false, code: AggregationErrorCode.SITE_SIGNATURE_INVALID, reason: `${at}: the answer carries a malformed signature` };
  }
  let verified = false;
  try {
    verified = verifyNodeSignature(answer.body, signature as unknown as NodeSignature, expected.publicKeyPem);
  } catch {
    // A body canonical JSON cannot represent (a non-finite number) was not signed by anyone.
    verified = false;
  }
  if (!verified) {
    return { ok: false, code: AggregationErrorCode.SITE_SIGNATURE_INVALID, reason: `${at}: the ${what}'s signature does not verify with the node key registered on-chain` };
  }
  const body = answer.body;
  const fields: [string, unknown, unknown][] = [
    ['nodeId', body.nodeId, expected.nodeId],
    ['ownerMemberId', body.organisationId, expected.ownerMemberId],
    ['analysisId', body.analysisId, expected.analysisId],
    ['datasetId', body.datasetId, expected.datasetId],
    ['requester', body.requester, expected.requester],
    ['grantRequestId', body.grantRequestId, expected.grantRequestId],
    ['sha256', body.sha256, expected.sha256],
    ['datasetVersion', body.datasetVersion, expected.datasetVersion],
  ];
  for (const [name, got, want] of fields) {
    if (got !== want) return mismatch(expected, `the signed ${what} names ${name} ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return { ok: true, body };
}

/**
 * A site that loosened its policy (exact min/max, a lower threshold, …) releases what the consortium
 * promised would not be released: its numbers are not used.
 */
export function policyRefusal(body: Record<string, unknown>, expected: Pick<ExpectedHead, 'nodeId' | 'datasetId'>, what = 'summary'): Refusal | undefined {
  const policy = body.policy;
  if (!isObject(policy) || !Array.isArray(policy.quantileBand)) return mismatch(expected, `the signed ${what} carries no disclosure policy`);
  const looser = StorageSummarize.policyBelowFloor(policy as unknown as StorageSummarize.DisclosurePolicyView);
  if (looser === undefined) return undefined;
  return { ok: false, code: AggregationErrorCode.SITE_POLICY_BELOW_FLOOR, reason: `${answerOf(expected)}: the ${what} was made under a disclosure policy looser than the consortium's floor (${looser})` };
}
