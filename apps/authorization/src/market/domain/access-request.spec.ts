import { accessRecord, datasetRecord } from '../../../test-support/authorization-world';
import { AccessRequest, permissionFrom } from './access-request';

const dataset = datasetRecord();
const now = new Date('2030-01-01T00:00:00Z');
const before = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const after = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();

function granted(expiresAt: string, requestedAt = before(3)) {
  const pending = accessRecord(dataset, { requestedAt, requestedExpiry: after(30) });
  return { ...pending, status: 'granted' as const, grant: { columns: ['age'], statistics: ['mean' as const], expiresAt, operator: 'admin-a', reason: 'sex withheld', grantedAt: before(1), txId: 'tx-g' }, txId: 'tx-g' };
}

describe('AccessRequest', () => {
  it("shows a dp grant's budget with the (ε, δ) it implies, and the proposal while pending", () => {
    const inForce = granted(after(10));
    const dp = { ...inForce, grant: { ...inForce.grant, privacyMode: 'dp' as const, budgetRho: 1 } };
    const privacy = AccessRequest.fromRecord(dp, 2).permission(now).privacy;
    expect(privacy).toMatchObject({ mode: 'dp', budgetRho: 1, delta: 1e-6 });
    // ρ = 1 zCDP is (ε, 1e-6)-DP with ε between ρ and Bun–Steinke's ρ + 2√(ρ ln 1/δ) ≈ 8.43 (CKS 2020 is tighter).
    expect(privacy?.epsilon).toBeGreaterThan(1);
    expect(privacy?.epsilon).toBeLessThan(1 + 2 * Math.sqrt(Math.log(1e6)));
    expect(AccessRequest.fromRecord(inForce, 2).permission(now).privacy).toEqual({ mode: 'controlled' });
    const proposed = accessRecord(dataset, { requestedExpiry: after(30), privacyMode: 'dp', budgetRho: 0.5 });
    expect(AccessRequest.fromRecord(proposed, 1).permission(now).privacy).toMatchObject({ mode: 'dp', budgetRho: 0.5 });
  });

  it('moves only forward: an older or repeated record changes nothing', () => {
    const pending = accessRecord(dataset);
    const request = AccessRequest.fromRecord(pending, 5);
    const grant = { ...granted(after(10)), requestId: pending.requestId };
    expect(request.applyRecord(grant, 7)).toBe(true);
    expect(request.applyRecord(pending, 5)).toBe(false);
    expect(request.applyRecord(grant, 7)).toBe(false);
    expect(request).toMatchObject({ status: 'granted', txId: 'tx-g', blockNumber: 7 });
    const revoked = { ...grant, status: 'revoked' as const, revocation: { operator: 'admin-a', reason: 'consent withdrawn', decidedAt: now.toISOString(), txId: 'tx-r' }, txId: 'tx-r' };
    expect(request.applyRecord(revoked, 9)).toBe(true);
    expect(request.applyRecord(grant, 7)).toBe(false);
    expect(request.toView()).toMatchObject({ status: 'revoked', blockNumber: 9, revocation: { reason: 'consent withdrawn' } });
  });

  it('tells its requester what they may do: requested, granted with scope, expired, denied, revoked', () => {
    const pending = accessRecord(dataset, { requestedExpiry: after(30) });
    expect(AccessRequest.fromRecord(pending, 1).permission(now)).toEqual({
      state: 'requested',
      requestId: pending.requestId,
      columns: pending.columns,
      statistics: pending.statistics,
      expiresAt: pending.requestedExpiry,
    });
    const inForce = granted(after(10));
    expect(AccessRequest.fromRecord(inForce, 2).permission(now)).toEqual({
      state: 'granted',
      requestId: inForce.requestId,
      columns: ['age'],
      statistics: ['mean'],
      expiresAt: after(10),
      reason: 'sex withheld',
      privacy: { mode: 'controlled' },
    });
    expect(AccessRequest.fromRecord(granted(before(1)), 2).permission(now).state).toBe('expired');
    // Exactly at the expiry it is over (the chaincode's check is `expiresAt > now`).
    expect(AccessRequest.fromRecord(granted(now.toISOString()), 2).permission(now).state).toBe('expired');
    const denied = accessRecord(dataset, { status: 'denied', denial: { operator: 'admin-a', reason: 'purpose unclear', decidedAt: now.toISOString(), txId: 'tx-d' } });
    expect(AccessRequest.fromRecord(denied, 3).permission(now)).toEqual({ state: 'denied', requestId: denied.requestId, reason: 'purpose unclear' });
    const revoked = { ...granted(after(10)), status: 'revoked' as const, revocation: { operator: 'admin-a', reason: 'consent withdrawn', decidedAt: now.toISOString(), txId: 'tx-r' } };
    expect(AccessRequest.fromRecord(revoked, 4).permission(now)).toMatchObject({ state: 'revoked', reason: 'consent withdrawn', columns: ['age'] });
  });

  it('picks the request that speaks for the permission: a grant in force, else a pending one, else the latest', () => {
    const deniedEarly = AccessRequest.fromRecord(accessRecord(dataset, { requestedAt: before(9), status: 'denied', denial: { operator: 'a', reason: 'no', decidedAt: before(8), txId: 't1' } }), 1);
    const expired = AccessRequest.fromRecord(granted(before(2), before(5)), 2);
    const pending = AccessRequest.fromRecord(accessRecord(dataset, { requestedAt: before(1) }), 3);
    const inForce = AccessRequest.fromRecord(granted(after(5), before(20)), 4);
    expect(permissionFrom([], now)).toEqual({ state: 'none' });
    expect(permissionFrom([deniedEarly, expired], now).state).toBe('expired');
    expect(permissionFrom([expired, deniedEarly], now).state).toBe('expired');
    expect(permissionFrom([deniedEarly, pending, expired], now).state).toBe('requested');
    expect(permissionFrom([pending, inForce, deniedEarly], now).state).toBe('granted');
  });
});
