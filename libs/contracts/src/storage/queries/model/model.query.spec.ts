import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { StorageModel, StorageSummarize } from '../../../index';

// As the bus validates a payload at the receiving edge (libs/messaging's validatePayload).
function problems(cls: new () => object, data: unknown): string[] {
  const errors = validateSync(plainToInstance(cls, data), { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false });
  const flat = (es: typeof errors, prefix = ''): string[] =>
    es.flatMap((e) => [...(e.constraints ? [`${prefix}${e.property}`] : []), ...flat(e.children ?? [], `${prefix}${e.property}.`)]);
  return flat(errors);
}

const head = { analysisId: 'an-1', datasetId: 'ds-1', requester: 'researcher-1' };
const session = '6f1c9a52-3d2b-4c8e-9f4a-1b2c3d4e5f60';

describe('the model contract (phdmf.storage.<nodeId>.qry.model.v1)', () => {
  it('has one versioned subject per node', () => {
    expect(StorageModel.contractFor('node-a').subject).toBe('phdmf.storage.node-a.qry.model.v1');
    expect(StorageModel.contractFor('node-a')).toBe(StorageModel.contractFor('node-a'));
    expect(() => StorageModel.contractFor('node.a')).toThrow(/not a storage node id/);
  });

  it('accepts each operation and builds the class its kind names', () => {
    const operations = [
      { kind: 'table', rows: { column: 'sex' }, columns: { column: 'smoker' }, filter: { column: 'age', op: '>', value: 60 } },
      { kind: 'table', rows: { column: 'sex' } },
      { kind: 'correlation', columns: ['age', 'bmi'], filter: { not: { column: 'bmi', op: 'is missing' } } },
      { kind: 'glm.open', model: { family: 'binomial', outcome: 'diabetes', covariates: ['age', 'sex'], levels: { sex: ['F', 'M'] } } },
      { kind: 'glm.step', sessionId: session },
      { kind: 'glm.step', sessionId: session, beta: [0.5, -1, 2] },
      { kind: 'glm.close', sessionId: session },
    ];
    const classes = [StorageModel.TableOperation, StorageModel.TableOperation, StorageModel.CorrelationOperation, StorageModel.GlmOpenOperation, StorageModel.GlmStepOperation, StorageModel.GlmStepOperation, StorageModel.GlmCloseOperation];
    operations.forEach((operation, i) => {
      expect(problems(StorageModel.Payload, { ...head, operation })).toEqual([]);
      const payload = plainToInstance(StorageModel.Payload, { ...head, operation });
      expect(payload.operation).toBeInstanceOf(classes[i]);
      expect(payload.operation.kind).toBe(operation.kind);
    });
  });

  it('refuses an unknown kind, a field of another kind, a tree that is not an object, and a non-finite β', () => {
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'export-rows' } })).toContain('operation.kind');
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'glm.close', sessionId: session, beta: [1] } })).toContain('operation.beta');
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'table', rows: { column: 'sex' }, filter: 'age > 60' } })).toContain('operation.filter');
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'glm.open', model: [] } })).toContain('operation.model');
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'glm.step', sessionId: session, beta: [1, Infinity] } })).toContain('operation.beta');
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'glm.step', sessionId: 'not-a-uuid' } })).toContain('operation.sessionId');
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'correlation', columns: ['age'] } })).toContain('operation.columns');
    expect(problems(StorageModel.Payload, { ...head })).toContain('operation');
    const huge = { or: Array.from({ length: 5000 }, () => ({ column: 'age', op: '=', value: 1 })) };
    expect(problems(StorageModel.Payload, { ...head, operation: { kind: 'correlation', columns: ['age', 'bmi'], filter: huge } })).toContain('operation.filter');
  });

  it('gives the summary request an optional subset and stratum', () => {
    const summary = { ...head, columns: ['age'], statistics: ['count', 'mean'] };
    expect(problems(StorageSummarize.Payload, { ...summary, filter: { column: 'sex', op: '=', value: 'F' }, stratum: { column: 'smoker' } })).toEqual([]);
    expect(problems(StorageSummarize.Payload, { ...summary, stratum: { column: 'smoker', extra: 1 } })).toContain('stratum.extra');
    expect(problems(StorageSummarize.Payload, { ...summary, filter: null })).toContain('filter');
  });

  it('names the grant statistic each operation needs', () => {
    expect(StorageModel.MODEL_OPERATION_STATISTIC['glm.step']).toBe('glm');
    expect(StorageModel.MODEL_OPERATIONS.map((k) => StorageModel.MODEL_OPERATION_STATISTIC[k])).toEqual(['table', 'correlation', 'glm', 'glm', 'glm']);
  });
});
