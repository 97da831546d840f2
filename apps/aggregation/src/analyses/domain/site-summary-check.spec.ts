import { generateKeyPairSync, sign } from 'node:crypto';
import { canonicalJson, nodeKeyId, type StorageSummarize } from '@phdmf/contracts';
import { checkSiteSummary, type ExpectedSummary } from './site-summary-check';

const node = generateKeyPairSync('ed25519');
const pem = node.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const other = generateKeyPairSync('ed25519');

const expected: ExpectedSummary = {
  analysisId: 'an-1', datasetId: 'ds-1', requester: 'res-1', grantRequestId: 'rq-1', sha256: 'a'.repeat(64), datasetVersion: 2, nodeId: 'node-a', ownerMemberId: 'org-a',
  columns: ['age', 'bmi'], histograms: new Map([['bmi', [10, 20, 30]]]), publicKeyPem: pem,
};

function body(overrides: Partial<StorageSummarize.SummaryBody> = {}): StorageSummarize.SummaryBody {
  return {
    nodeId: 'node-a', organisationId: 'org-a', analysisId: 'an-1', datasetId: 'ds-1', datasetVersion: 2, sha256: 'a'.repeat(64), requester: 'res-1', grantRequestId: 'rq-1', rowCount: 100,
    computedAt: '2030-01-01T00:00:00Z', computeMillis: 12.5, policy: { minCount: 3, exactMinMax: false, quantileBand: [0.05, 0.95], maxHistogramBins: 100, minMaxNoise: 0.05 },
    columns: [
      { name: 'age', type: 'numeric', count: 90, mean: 40, m2: 900 },
      { name: 'bmi', type: 'numeric', count: 95, histogram: { edges: [10, 20, 30], counts: [40, null], below: 0, above: 3 } },
    ],
    ...overrides,
  };
}

function signed(b: unknown, key = node.privateKey, keyPem = pem) {
  return { body: b, signature: { algorithm: 'Ed25519', keyId: nodeKeyId(keyPem), value: sign(null, Buffer.from(canonicalJson(b)), key).toString('base64') } };
}

describe('a storage node\'s answer', () => {
  it('is accepted when signed with the registered key over the summary asked for', () => {
    expect(checkSiteSummary(signed(body()), expected)).toMatchObject({ ok: true, body: { analysisId: 'an-1' } });
  });

  it('is refused when signed with another key, or altered after signing (one number changed)', () => {
    const otherPem = other.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(checkSiteSummary(signed(body(), other.privateKey, otherPem), expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_SIGNATURE_INVALID', reason: expect.stringContaining('node "node-a"') });
    const answer = signed(body());
    (answer.body as StorageSummarize.SummaryBody).columns[0]!.mean = 41;
    expect(checkSiteSummary(answer, expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_SIGNATURE_INVALID' });
    expect(checkSiteSummary({ body: body() }, expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_SIGNATURE_INVALID' });
    expect(checkSiteSummary('rows', expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_SIGNATURE_INVALID' });
  });

  it.each([
    ['another analysis (a replay)', { analysisId: 'an-0' }],
    ['another dataset', { datasetId: 'ds-2' }],
    ['another requester', { requester: 'res-2' }],
    ['another grant', { grantRequestId: 'rq-2' }],
    ['another hash', { sha256: 'b'.repeat(64) }],
    ['another version', { datasetVersion: 1 }],
    ['another node', { nodeId: 'node-b' }],
    ['another owner', { organisationId: 'org-b' }],
  ])('is refused, even correctly signed, when it names %s', (_what, overrides) => {
    expect(checkSiteSummary(signed(body(overrides)), expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
  });

  it.each([
    ['exact min/max', { exactMinMax: true }],
    ['a lower cell threshold', { minCount: 2 }],
    ['a wider quantile band', { quantileBand: [0.01, 0.95] as [number, number] }],
    ['more histogram bins', { maxHistogramBins: 1000 }],
    ['less min/max noise', { minMaxNoise: 0.01 }],
  ])('is refused, even correctly signed, when made under a policy looser than the consortium\'s floor: %s', (_what, looser) => {
    const policy = { ...body().policy, ...looser };
    expect(checkSiteSummary(signed(body({ policy })), expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_POLICY_BELOW_FLOOR' });
    expect(checkSiteSummary(signed(body({ policy: { ...body().policy, minCount: 5 } })), expected)).toMatchObject({ ok: true });
  });

  it('is refused when its columns are not the ones asked, or its numbers malformed', () => {
    const [age, bmi] = body().columns;
    expect(checkSiteSummary(signed(body({ columns: [bmi!, age!] })), expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
    expect(checkSiteSummary(signed(body({ columns: [age!] })), expected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
    expect(checkSiteSummary(signed(body({ columns: [{ ...age!, count: -1 }, bmi!] })), expected)).toMatchObject({ ok: false, reason: expect.stringContaining('negative') });
    expect(checkSiteSummary(signed(body({ columns: [age!, { ...bmi!, histogram: { edges: [10, 25, 30], counts: [1, 2], below: 0, above: 0 } }] })), expected)).toMatchObject({ ok: false, reason: expect.stringContaining('bin edges') });
  });
});

describe("a storage node's dp answer", () => {
  const dpExpected: ExpectedSummary = { ...expected, columns: ['age'], histograms: new Map(), reservationTxId: 'tx-reserved' };
  const noisy = { grid: { lower: 0, upper: 100, binWidth: 10 }, center: 50, resolution: 10 / 1024, count: { value: 91, sd: 3.2 }, sum: { value: -930.5, sd: 160 } };
  const dpBody = (overrides: Partial<StorageSummarize.SummaryBody> = {}): StorageSummarize.SummaryBody =>
    body({ rowCount: 0, privacy: { mode: 'dp', reservationTxId: 'tx-reserved' }, columns: [{ name: 'age', type: 'numeric', noisy }], ...overrides });

  it('is accepted when it names the reservation that paid for it and every column is noisy', () => {
    expect(checkSiteSummary(signed(dpBody()), dpExpected)).toMatchObject({ ok: true });
  });

  it.each([
    ['no reservation', { privacy: undefined }],
    ['another reservation', { privacy: { mode: 'dp' as const, reservationTxId: 'tx-other' } }],
    ['a column without noisy quantities', { columns: [{ name: 'age', type: 'numeric' as const, count: 91 }] }],
    ['a noisy number without noise', { columns: [{ name: 'age', type: 'numeric' as const, noisy: { ...noisy, count: { value: 91, sd: 0 } } }] }],
  ])('is refused, even correctly signed, with %s', (_what, overrides) => {
    expect(checkSiteSummary(signed(dpBody(overrides)), dpExpected)).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
  });

  it('is refused where no reservation was made (a controlled analysis)', () => {
    expect(checkSiteSummary(signed(dpBody()), { ...dpExpected, reservationTxId: undefined })).toMatchObject({ ok: false, code: 'ANALYSIS.SITE_RESPONSE_MISMATCH' });
  });
});
