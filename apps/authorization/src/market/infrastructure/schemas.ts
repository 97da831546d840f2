import { BigIntType, EntitySchema } from '@mikro-orm/core';
import { AccessRequest } from '../domain/access-request';
import { MarketDataset, MarketDatasetColumn, MarketInstitution } from '../domain/market-dataset';

export const MarketDatasetSchema = new EntitySchema<MarketDataset>({
  class: MarketDataset,
  tableName: 'authz_datasets',
  properties: {
    datasetId: { type: 'string', length: 128, primary: true, fieldName: 'dataset_id' },
    name: { type: 'string', length: 200, nullable: true },
    fileName: { type: 'string', length: 255, fieldName: 'file_name' },
    description: { type: 'text' },
    ownerMemberId: { type: 'string', length: 128, fieldName: 'owner_member_id', index: 'authz_datasets_owner_member_id_index' },
    ownerMspId: { type: 'string', length: 128, fieldName: 'owner_msp_id' },
    columnsJson: { type: 'text', fieldName: 'columns_json' },
    searchText: { type: 'text', fieldName: 'search_text' },
    // Row counts of large files pass 2^31; read back as a JS number (exact up to 2^53).
    rowCount: { type: new BigIntType('number'), fieldName: 'row_count' },
    version: { type: 'integer' },
    sha256: { type: 'string', length: 64 },
    status: { type: 'string', length: 16 },
    tamperFindingId: { type: 'string', length: 128, nullable: true, fieldName: 'tamper_finding_id' },
    releasedAt: { type: 'datetime', fieldName: 'released_at', index: 'authz_datasets_released_at_index' },
    recordUpdatedAt: { type: 'datetime', fieldName: 'record_updated_at' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
    blockNumber: { type: 'integer', fieldName: 'block_number' },
    stance: { type: 'string', length: 16 },
    stanceSetBy: { type: 'string', length: 128, nullable: true, fieldName: 'stance_set_by' },
    stanceSetAt: { type: 'datetime', nullable: true, fieldName: 'stance_set_at' },
  },
});

export const MarketDatasetColumnSchema = new EntitySchema<MarketDatasetColumn>({
  class: MarketDatasetColumn,
  tableName: 'authz_dataset_columns',
  properties: {
    datasetId: { type: 'string', length: 128, primary: true, fieldName: 'dataset_id' },
    position: { type: 'integer', primary: true },
    name: { type: 'string', length: 256, index: 'authz_dataset_columns_name_index' },
  },
});

export const MarketInstitutionSchema = new EntitySchema<MarketInstitution>({
  class: MarketInstitution,
  tableName: 'authz_institutions',
  properties: {
    memberId: { type: 'string', length: 128, primary: true, fieldName: 'member_id' },
    name: { type: 'string', length: 200 },
    mspId: { type: 'string', length: 128, fieldName: 'msp_id' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
    blockNumber: { type: 'integer', fieldName: 'block_number' },
  },
});

export const AccessRequestSchema = new EntitySchema<AccessRequest>({
  class: AccessRequest,
  tableName: 'authz_access_requests',
  properties: {
    requestId: { type: 'string', length: 128, primary: true, fieldName: 'request_id' },
    datasetId: { type: 'string', length: 128, fieldName: 'dataset_id', index: 'authz_access_requests_dataset_id_index' },
    ownerMemberId: { type: 'string', length: 128, fieldName: 'owner_member_id', index: 'authz_access_requests_owner_member_id_index' },
    requester: { type: 'string', length: 128, index: 'authz_access_requests_requester_index' },
    status: { type: 'string', length: 16 },
    requestedAt: { type: 'datetime', fieldName: 'requested_at' },
    recordJson: { type: 'text', fieldName: 'record_json' },
    txId: { type: 'string', length: 128, fieldName: 'tx_id' },
    blockNumber: { type: 'integer', fieldName: 'block_number' },
  },
});

export const AUTHORIZATION_ENTITIES = [MarketDatasetSchema, MarketDatasetColumnSchema, MarketInstitutionSchema, AccessRequestSchema];
