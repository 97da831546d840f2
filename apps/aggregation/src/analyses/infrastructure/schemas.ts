import { EntitySchema } from '@mikro-orm/core';
import { Analysis } from '../domain/analysis';
import { ProjectedAccessRequest, ProjectedDataset, ProjectedMember } from '../domain/projection';

export const ProjectedDatasetSchema = new EntitySchema<ProjectedDataset>({
  class: ProjectedDataset,
  tableName: 'aggregation_datasets',
  properties: {
    datasetId: { type: 'string', length: 128, primary: true, fieldName: 'dataset_id' },
    version: { type: 'integer' },
    sha256: { type: 'string', length: 64 },
    ownerMemberId: { type: 'string', length: 128, fieldName: 'owner_member_id' },
    status: { type: 'string', length: 16 },
    updatedAt: { type: 'string', length: 40, fieldName: 'updated_at' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
  },
});

export const ProjectedMemberSchema = new EntitySchema<ProjectedMember>({
  class: ProjectedMember,
  tableName: 'aggregation_members',
  properties: {
    memberId: { type: 'string', length: 128, primary: true, fieldName: 'member_id' },
    mspId: { type: 'string', length: 128, fieldName: 'msp_id' },
    status: { type: 'string', length: 16 },
    nodeId: { type: 'string', length: 64, nullable: true, fieldName: 'node_id' },
    nodePublicKey: { type: 'text', nullable: true, fieldName: 'node_public_key' },
    updatedAt: { type: 'string', length: 40, fieldName: 'updated_at' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
  },
});

export const ProjectedAccessRequestSchema = new EntitySchema<ProjectedAccessRequest>({
  class: ProjectedAccessRequest,
  tableName: 'aggregation_access_requests',
  indexes: [{ name: 'aggregation_access_requests_dataset_requester_index', properties: ['datasetId', 'requester'] }],
  properties: {
    requestId: { type: 'string', length: 128, primary: true, fieldName: 'request_id' },
    datasetId: { type: 'string', length: 128, fieldName: 'dataset_id' },
    requester: { type: 'string', length: 128 },
    status: { type: 'string', length: 16 },
    grantColumns: { type: 'text', nullable: true, fieldName: 'grant_columns' },
    grantStatistics: { type: 'text', nullable: true, fieldName: 'grant_statistics' },
    expiresAt: { type: 'string', length: 40, nullable: true, fieldName: 'expires_at' },
    updatedAt: { type: 'string', length: 40, fieldName: 'updated_at' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
  },
});

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

export const AGGREGATION_ENTITIES = [ProjectedDatasetSchema, ProjectedMemberSchema, ProjectedAccessRequestSchema, AnalysisSchema];
