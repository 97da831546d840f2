import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  AuthorizationDenyAccess,
  AuthorizationErrorCode,
  AuthorizationGetAccessRequest,
  AuthorizationGetMarketEntry,
  AuthorizationGrantAccess,
  AuthorizationListAccessRequests,
  AuthorizationRequestAccess,
  AuthorizationRevokeAccess,
  AuthorizationSearchMarket,
  AuthorizationSetStance,
} from '../index';

// Validation as the receiving edge does it: unknown fields refused.
async function problems(payloadClass: new () => object, data: object): Promise<string[]> {
  const errors = await validate(plainToInstance(payloadClass, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  return errors.map((e) => e.property).sort();
}

describe('authorization contracts', () => {
  it('puts every message on a versioned subject of the authorization service', () => {
    const all = [
      AuthorizationSearchMarket,
      AuthorizationGetMarketEntry,
      AuthorizationSetStance,
      AuthorizationRequestAccess,
      AuthorizationGrantAccess,
      AuthorizationDenyAccess,
      AuthorizationRevokeAccess,
      AuthorizationListAccessRequests,
      AuthorizationGetAccessRequest,
    ];
    for (const m of all) expect(m.SUBJECT).toMatch(/^phdmf\.authorization\.(cmd|qry)\.[a-z-]+\.v1$/);
    expect(new Set(all.map((m) => m.SUBJECT)).size).toBe(all.length);
    expect(AuthorizationRequestAccess.CONTRACT.kind).toBe('command');
    expect(AuthorizationSearchMarket.CONTRACT.kind).toBe('query');
  });

  it('accepts what the service takes and names each field it refuses', async () => {
    const request = { datasetId: 'ds-1', purpose: 'study\nof blood pressure', columns: ['age'], statistics: ['mean'], requestedExpiry: '2031-01-01T00:00:00Z' };
    expect(await problems(AuthorizationRequestAccess.Payload, request)).toEqual([]);
    expect(await problems(AuthorizationRequestAccess.Payload, { ...request, columns: [], statistics: ['median'], requestedExpiry: 'tomorrow', requester: 'someone-else' })).toEqual([
      'columns',
      'requestedExpiry',
      'requester',
      'statistics',
    ]);
    expect(await problems(AuthorizationGrantAccess.Payload, { requestId: 'r-1' })).toEqual([]);
    expect(await problems(AuthorizationGrantAccess.Payload, { requestId: 'r-1', columns: ['a', 'a'], operator: 'x' })).toEqual(['columns', 'operator']);
    expect(await problems(AuthorizationDenyAccess.Payload, { requestId: 'r-1' })).toEqual(['reason']);
    expect(await problems(AuthorizationRevokeAccess.Payload, { requestId: 'r-1', reason: '' })).toEqual(['reason']);
    expect(await problems(AuthorizationSetStance.Payload, { datasetId: 'ds-1', stance: 'ajar' })).toEqual(['stance']);
    expect(await problems(AuthorizationSearchMarket.Payload, {})).toEqual([]);
    expect(await problems(AuthorizationSearchMarket.Payload, { q: 'x\u0000', page: 0, pageSize: 101, institution: '-x', column: '' })).toEqual(['column', 'institution', 'page', 'pageSize', 'q']);
    expect(await problems(AuthorizationListAccessRequests.Payload, { scope: 'all', status: 'expired' })).toEqual(['scope', 'status']);
  });

  it('has one stable code per refusal', () => {
    const codes = Object.values(AuthorizationErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^[A-Z_]+\.[A-Z_]+$/);
  });
});
