import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson, nodeKeyId } from '@phdmf/contracts';
import { checkCorrelationAnswer, checkGlmOpenAnswer, checkGlmStepAnswer, checkTableAnswer } from './site-model-check';
import type { ExpectedHead } from './signed-answer';

const node = generateKeyPairSync('ed25519');
const pem = node.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('ed25519');
const otherPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const expected: ExpectedHead = { analysisId: 'an-1', datasetId: 'ds-1', requester: 'res-1', grantRequestId: 'rq-1', sha256: 'a'.repeat(64), datasetVersion: 1, nodeId: 'node-a', ownerMemberId: 'org-a', publicKeyPem: pem };
const head = {
  nodeId: 'node-a', organisationId: 'org-a', analysisId: 'an-1', datasetId: 'ds-1', datasetVersion: 1, sha256: 'a'.repeat(64), requester: 'res-1', grantRequestId: 'rq-1', rowCount: 100,
  computedAt: '2030-01-01T00:00:00Z', computeMillis: 3, policy: { minCount: 3, exactMinMax: false, quantileBand: [0.05, 0.95], maxHistogramBins: 100, minMaxNoise: 0.05 },
};
const signed = (body: object, key = node.privateKey, keyPem = pem) => ({ body, signature: { algorithm: 'Ed25519', keyId: nodeKeyId(keyPem), value: sign(null, Buffer.from(canonicalJson(body)), key).toString('base64') } });

const step = (o: Record<string, unknown> = {}) => ({ ...head, operation: 'glm.step', sessionId: 's-1', step: 2, beta: [0.5, -1], n: 90, xtwx: [1, 2, 2, 5], xtwz: [3, 4], deviance: 12.5, aicTerms: 12.5, ...o });

describe("a storage node's model answers", () => {
  it('accepts a GLM step of the session asked, at the β sent, of the model\'s size', () => {
    expect(checkGlmStepAnswer(signed(step()), expected, 's-1', [0.5, -1], 2)).toMatchObject({ ok: true, body: { deviance: 12.5 } });
    expect(checkGlmStepAnswer(signed(step({ beta: undefined })), expected, 's-1', null, 2)).toMatchObject({ ok: true });
  });

  it.each([
    ['computed at other coefficients (an old answer replayed)', step({ beta: [0.4, -1] })],
    ['of another session', step({ sessionId: 's-2' })],
    ['with XᵀWX of the wrong size', step({ xtwx: [1, 2, 3] })],
    ['with a non-finite deviance', step({ deviance: 'NaN' })],
    ['of another operation', { ...step(), operation: 'glm.open' }],
    ['of another analysis', step({ analysisId: 'an-0' })],
  ])('refuses a step %s, even correctly signed', (_what, body) => {
    expect(checkGlmStepAnswer(signed(body), expected, 's-1', [0.5, -1], 2)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
  });

  it('refuses an answer signed with another key, or altered after signing', () => {
    expect(checkGlmStepAnswer(signed(step(), other.privateKey, otherPem), expected, 's-1', [0.5, -1], 2)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_SIGNATURE_INVALID' });
    const altered = signed(step());
    (altered.body as { deviance: number }).deviance = 1;
    expect(checkGlmStepAnswer(altered, expected, 's-1', [0.5, -1], 2)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_SIGNATURE_INVALID' });
  });

  it('checks an open session\'s parameters against the model, a table\'s cells and a correlation\'s pairs', () => {
    const open = { ...head, operation: 'glm.open', sessionId: 's-1', parameters: ['(Intercept)', 'age'], n: 90, idleSeconds: 60 };
    expect(checkGlmOpenAnswer(signed(open), expected, ['(Intercept)', 'age'], false)).toMatchObject({ ok: true });
    expect(checkGlmOpenAnswer(signed(open), expected, ['(Intercept)', 'age', 'sexM'], false)).toMatchObject({ ok: false });
    // A model without an offset pools its null deviance from every site's null terms: an answer without them, or with them malformed, fails it.
    expect(checkGlmOpenAnswer(signed(open), expected, ['(Intercept)', 'age'], true)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
    expect(checkGlmOpenAnswer(signed({ ...open, nullTerms: { sumY: 40, own: 'NaN' } }), expected, ['(Intercept)', 'age'], true)).toMatchObject({ ok: false });
    expect(checkGlmOpenAnswer(signed({ ...open, nullTerms: { sumY: 40, own: 0 } }), expected, ['(Intercept)', 'age'], true)).toMatchObject({ ok: true });
    const table = { ...head, operation: 'table', table: { rows: ['F', 'M'], columns: [''], counts: [[40], [null]], rowTotals: [40, null], columnTotals: [null] } };
    expect(checkTableAnswer(signed(table), expected)).toMatchObject({ ok: true });
    expect(checkTableAnswer(signed({ ...table, table: { ...table.table, counts: [[40], [-2]] } }), expected)).toMatchObject({ ok: false });
    const moments = { n: 10, meanX: 1, meanY: 2, sxx: 3, syy: 4, sxy: 1 };
    const cor = { ...head, operation: 'correlation', columns: ['age', 'bmi'], pairs: [moments, moments, moments] };
    expect(checkCorrelationAnswer(signed(cor), expected, ['age', 'bmi'])).toMatchObject({ ok: true });
    expect(checkCorrelationAnswer(signed(cor), expected, ['bmi', 'age'])).toMatchObject({ ok: false });
    expect(checkCorrelationAnswer(signed({ ...cor, pairs: [moments, moments] }), expected, ['age', 'bmi'])).toMatchObject({ ok: false });
  });

  it('refuses an answer made under a policy looser than the floor', () => {
    expect(checkGlmStepAnswer(signed(step({ policy: { ...head.policy, minCount: 1 } })), expected, 's-1', [0.5, -1], 2)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_POLICY_BELOW_FLOOR' });
  });
});
