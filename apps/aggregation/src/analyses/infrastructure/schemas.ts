import { EntitySchema } from '@mikro-orm/core';
import { Analysis } from '../domain/analysis';

export const AnalysisSchema = new EntitySchema<Analysis>({
  class: Analysis,
  tableName: 'aggregation_analyses',
  indexes: [{ name: 'aggregation_analyses_requester_created_at_index', properties: ['requester', 'createdAt'] }],
  properties: {
    analysisId: { type: 'string', length: 128, primary: true, fieldName: 'analysis_id' },
    requester: { type: 'string', length: 128 },
    status: { type: 'string', length: 16 },
    createdAt: { type: 'datetime', fieldName: 'created_at' },
    resultHash: { type: 'string', length: 64, fieldName: 'result_hash' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
    blockNumber: { type: 'integer', fieldName: 'block_number' },
    resultJson: { type: 'text', fieldName: 'result_json' },
  },
});

export const AGGREGATION_ENTITIES = [AnalysisSchema];
