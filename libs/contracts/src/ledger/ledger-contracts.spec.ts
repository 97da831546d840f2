import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { eventContractFor } from '../lib/contract';
import {
  LEDGER_EVENTS,
  LedgerAddDataset,
  LedgerAdmitMember,
  LedgerCheckAccess,
  LedgerDatasetAdded,
  LedgerGetBlock,
  LedgerGrantAccess,
  LedgerRecordAnalysis,
  LedgerRequestAccess,
  ledgerEventId,
} from './index';

// Validation as the receiving edge does it: unknown fields refused.
async function problems(payloadClass: new () => object, data: object): Promise<Record<string, string[]>> {
  const errors = await validate(plainToInstance(payloadClass, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  const flat: Record<string, string[]> = {};
  const walk = (list: typeof errors, prefix: string): void => {
    for (const e of list) {
      const field = prefix === '' ? e.property : `${prefix}.${e.property}`;
      if (e.constraints) flat[field] = Object.values(e.constraints);
      walk(e.children ?? [], field);
    }
  };
  walk(errors, '');
  return flat;
}

const sha = 'a'.repeat(64);
const dataset = {
  datasetId: 'ds-1',
  version: 1,
  fileName: 'cohort.csv',
  sha256: sha,
  rowCount: 10,
  columnCount: 2,
  schemaDigest: sha,
  operator: 'staff-1',
  description: 'first\nrelease',
  columns: ['age', 'sbp'],
};

describe('ledger contracts', () => {
  it('accepts payloads the chaincode accepts', async () => {
    expect(await problems(LedgerAddDataset.Payload, dataset)).toEqual({});
    expect(
      await problems(LedgerRequestAccess.Payload, {
        requestId: 'req-1',
        datasetId: 'ds-1',
        requester: 'researcher-1',
        purpose: 'study',
        columns: ['age'],
        statistics: ['mean', 'sd'],
        requestedExpiry: '2031-01-01T00:00:00+01:00',
      }),
    ).toEqual({});
    expect(await problems(LedgerGrantAccess.Payload, { requestId: 'req-1', operator: 'reviewer-1' })).toEqual({});
    expect(await problems(LedgerCheckAccess.Payload, { datasetId: 'ds-1', requester: 'r-1', columns: [], statistics: [] })).toEqual({});
  });

  it('refuses what the chaincode would refuse, naming the field', async () => {
    expect(
      Object.keys(
        await problems(LedgerAddDataset.Payload, {
          ...dataset,
          datasetId: '-starts-with-dash',
          version: 0,
          sha256: 'xyz',
          fileName: 'tab\tin name',
          columns: ['age', 'age'],
          ownerMspId: 'OtherMSP',
        }),
      ).sort(),
    ).toEqual(['columns', 'datasetId', 'fileName', 'ownerMspId', 'sha256', 'version']);
    expect(Object.keys(await problems(LedgerRequestAccess.Payload, { requestId: 'r', datasetId: 'd', requester: 'q', purpose: 'p', columns: ['a'], statistics: ['median'], requestedExpiry: '2031-01-01' })).sort()).toEqual([
      'requestedExpiry',
      'statistics',
    ]);
    expect(Object.keys(await problems(LedgerAdmitMember.Payload, { memberId: 'm', name: 'n', mspId: 'M', nodeId: 'x', nodePublicKey: 'not a key', endpoint: 'node-a' })).sort()).toEqual([
      'endpoint',
      'nodePublicKey',
    ]);
    expect(Object.keys(await problems(LedgerGetBlock.Payload, { blockNumber: -1 }))).toEqual(['blockNumber']);
    const message = (await problems(LedgerAddDataset.Payload, { ...dataset, sha256: 'xyz' }))['sha256']?.join();
    expect(message).toBe('sha256 must be a SHA-256 digest (64 hexadecimal digits)');
  });

  it('takes a type per column, only together with the columns', async () => {
    expect(await problems(LedgerAddDataset.Payload, { ...dataset, columnTypes: ['numeric', 'categorical'] })).toEqual({});
    expect(await problems(LedgerAddDataset.Payload, { ...dataset, columnTypes: ['date', 'date'] })).toEqual({});
    for (const columnTypes of [['numeric'], ['numeric', 'text'], 'numeric', [], ['numeric', null]]) {
      expect(Object.keys(await problems(LedgerAddDataset.Payload, { ...dataset, columnTypes }))).toEqual(['columnTypes']);
    }
    const { columns: _omitted, ...withoutColumns } = dataset;
    expect(Object.keys(await problems(LedgerAddDataset.Payload, { ...withoutColumns, columnTypes: ['numeric', 'numeric'] }))).toEqual(['columnTypes']);
    expect((await problems(LedgerAddDataset.Payload, { ...dataset, columnTypes: ['x', 'y'] }))['columnTypes']?.join()).toBe(
      'columnTypes must list one type per column (only together with columns), each among numeric, categorical, date',
    );
  });

  it('validates nested analysis grants and refuses unknown fields in them', async () => {
    const analysis = { analysisId: 'an-1', requester: 'r-1', statistics: ['mean'], columns: [], resultHash: sha };
    expect(await problems(LedgerRecordAnalysis.Payload, { ...analysis, grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: sha }] })).toEqual({});
    expect(Object.keys(await problems(LedgerRecordAnalysis.Payload, { ...analysis, grants: [{ requestId: 'req-1', datasetId: 'ds-1', sha256: 'x', extra: 1 }] })).sort()).toEqual([
      'grants.0.extra',
      'grants.0.sha256',
    ]);
    expect(Object.keys(await problems(LedgerRecordAnalysis.Payload, { ...analysis, grants: [] }))).toEqual(['grants']);
  });

  it('puts every ledger message on a versioned subject of its own', () => {
    expect(LedgerAddDataset.SUBJECT).toBe('phdmf.ledger.cmd.add-dataset.v1');
    expect(LedgerGetBlock.SUBJECT).toBe('phdmf.ledger.qry.get-block.v1');
    expect(LedgerDatasetAdded.SUBJECT).toBe('phdmf.evt.ledger.dataset-added.v1');
    const subjects = Object.values(LEDGER_EVENTS).map((e) => e.SUBJECT);
    expect(new Set(subjects).size).toBe(subjects.length);
    for (const event of Object.values(LEDGER_EVENTS)) expect(eventContractFor(event.SUBJECT)).toBe(event.CONTRACT);
  });

  it('identifies a chain event by its transaction and index', async () => {
    expect(ledgerEventId('abc', 0)).toBe('abc:0');
    const payload = { txId: 'abc', blockNumber: 3, txIndex: 1, eventIndex: 0, eventName: 'DatasetAdded', record: { datasetId: 'ds-1' } };
    expect(await problems(LedgerDatasetAdded.Payload, payload)).toEqual({});
    expect(Object.keys(await problems(LedgerDatasetAdded.Payload, { ...payload, record: 'text', extra: true })).sort()).toEqual(['extra', 'record']);
  });
});
