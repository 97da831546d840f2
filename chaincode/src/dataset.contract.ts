import { Context, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import { KeyedContract } from './keyed-commits';
import { ChaincodeEvent, emitResult } from './events';
import { key, ObjectType } from './keys';
import { loadDataset, recordProvenance, requireActiveCaller } from './lookups';
import { marshal } from './marshal';
import { ContractName } from './names';
import {
  DatasetStatus,
  ProvenanceOperation,
  type DatasetHistoryEntry,
  type DatasetRecord,
  type MemberRecord,
  type ProvenanceEntry,
} from './records';
import { callerMsp, readByPartialKey, readHistory, readState, requireOwnerEndorsement, txTime, writeState } from './state';
import { Fields, Limits } from './validation';

const VERSION_FIELDS = [
  'datasetId',
  'version',
  'fileName',
  'sha256',
  'rowCount',
  'columnCount',
  'schemaDigest',
  'operator',
  'description',
  'name',
  'columns',
  'columnTypes',
  'columnGrids',
] as const;

type VersionFields = Pick<
  DatasetRecord,
  'datasetId' | 'version' | 'fileName' | 'sha256' | 'rowCount' | 'columnCount' | 'schemaDigest' | 'operator' | 'description' | 'name' | 'columns' | 'columnTypes' | 'columnGrids'
>;

function parseVersion(request: string): VersionFields {
  const f = Fields.parse(request, VERSION_FIELDS);
  const fields: VersionFields = {
    datasetId: f.id('datasetId'),
    version: f.integer('version', 1),
    fileName: f.text('fileName', { max: Limits.fileName }),
    sha256: f.sha256('sha256'),
    rowCount: f.integer('rowCount', 0),
    columnCount: f.integer('columnCount', 0),
    schemaDigest: f.sha256('schemaDigest'),
    operator: f.id('operator'),
    description: f.text('description', { min: 0, max: Limits.description, multiline: true }),
    name: f.optionalText('name', { max: Limits.name }),
    columns: f.optionalColumns('columns'),
    columnTypes: f.optionalColumnTypes('columnTypes'),
    columnGrids: f.optionalColumnGrids('columnGrids'),
  };
  if (fields.columns !== undefined && fields.columns.length !== fields.columnCount) {
    throw new ChaincodeError(
      ChaincodeErrorCode.InputInvalid,
      `"columns" lists ${fields.columns.length} columns but "columnCount" is ${fields.columnCount}`,
    );
  }
  // Types describe the named columns position by position; without names they would describe nothing.
  if (fields.columnTypes !== undefined) {
    if (fields.columns === undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, '"columnTypes" is only allowed together with "columns"');
    }
    if (fields.columnTypes.length !== fields.columns.length) {
      throw new ChaincodeError(
        ChaincodeErrorCode.InputInvalid,
        `"columnTypes" lists ${fields.columnTypes.length} types but "columns" lists ${fields.columns.length} columns`,
      );
    }
  }
  // A grid declares what may be known of a numeric column; it needs to name one.
  for (const grid of fields.columnGrids ?? []) {
    const at = fields.columns?.indexOf(grid.column) ?? -1;
    if (at < 0 || fields.columnTypes?.[at] !== 'numeric') {
      throw new ChaincodeError(ChaincodeErrorCode.InputInvalid, `"columnGrids" declares column "${grid.column}", which is not a numeric column of "columns" and "columnTypes"`);
    }
  }
  return fields;
}

/** Loads a dataset the caller's MSP owns and may still change (not deleted). */
async function loadOwnLiveDataset(ctx: Context, datasetId: string): Promise<{ current: DatasetRecord; owner: MemberRecord }> {
  const current = await loadDataset(ctx, datasetId);
  const msp = callerMsp(ctx);
  if (msp !== current.ownerMspId) {
    throw new ChaincodeError(ChaincodeErrorCode.DatasetNotOwner, `dataset "${datasetId}" belongs to MSP "${current.ownerMspId}", not "${msp}"`);
  }
  const owner = await requireActiveCaller(ctx);
  if (current.status === DatasetStatus.Deleted) {
    throw new ChaincodeError(ChaincodeErrorCode.DatasetDeleted, `dataset "${datasetId}" was deleted`);
  }
  return { current, owner };
}

/** {@link loadOwnLiveDataset}, for a change that brings a newer version. */
async function loadOwnDataset(ctx: Context, datasetId: string, version: number): Promise<{ current: DatasetRecord; owner: MemberRecord }> {
  const { current, owner } = await loadOwnLiveDataset(ctx, datasetId);
  if (version <= current.version) {
    throw new ChaincodeError(
      ChaincodeErrorCode.DatasetVersionConflict,
      `version ${version} of dataset "${datasetId}" is not newer than the on-chain version ${current.version}`,
    );
  }
  return { current, owner };
}

/** Dataset records: versions with their hashes, history and provenance. */
export class DatasetContract extends KeyedContract {
  constructor() {
    super(ContractName.Dataset);
  }

  /** Dataset version fields → DatasetRecord. The owner is the caller's (active) member. */
  @Transaction()
  @Returns('string')
  async addDataset(ctx: Context, request: string): Promise<string> {
    const fields = parseVersion(request);
    const owner = await requireActiveCaller(ctx);
    const datasetKey = key(ctx, ObjectType.Dataset, fields.datasetId);
    if ((await readState(ctx, datasetKey)) !== undefined) {
      throw new ChaincodeError(ChaincodeErrorCode.DatasetAlreadyExists, `dataset "${fields.datasetId}" already exists`);
    }
    const now = txTime(ctx);
    const record: DatasetRecord = {
      ...fields,
      ownerMemberId: owner.memberId,
      ownerMspId: owner.mspId,
      status: DatasetStatus.Active,
      createdAt: now,
      updatedAt: now,
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, datasetKey, record);
    // Every later version, deletion, stance or tamper mark needs the owner's own peer (see requireOwnerEndorsement).
    await requireOwnerEndorsement(ctx, datasetKey, owner.mspId);
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Add,
      datasetId: record.datasetId,
      datasetVersion: record.version,
      sha256: record.sha256,
      description: record.description,
      operator: record.operator,
      memberId: owner.memberId,
    });
    return emitResult(ctx, ChaincodeEvent.DatasetAdded, record);
  }

  /** Dataset version fields (a newer version) → DatasetRecord. Owner MSP only; clears a tamper finding. */
  @Transaction()
  @Returns('string')
  async updateDataset(ctx: Context, request: string): Promise<string> {
    const fields = parseVersion(request);
    const { current, owner } = await loadOwnDataset(ctx, fields.datasetId, fields.version);
    const record: DatasetRecord = {
      ...fields,
      ownerMemberId: current.ownerMemberId,
      ownerMspId: current.ownerMspId,
      status: DatasetStatus.Active,
      // The owner's stance is about the dataset, not one version: a new version keeps it.
      stance: current.stance,
      stanceSetBy: current.stanceSetBy,
      stanceSetAt: current.stanceSetAt,
      createdAt: current.createdAt,
      updatedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, key(ctx, ObjectType.Dataset, record.datasetId), record);
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Update,
      datasetId: record.datasetId,
      datasetVersion: record.version,
      sha256: record.sha256,
      description: record.description,
      operator: record.operator,
      memberId: owner.memberId,
    });
    return emitResult(ctx, ChaincodeEvent.DatasetUpdated, record);
  }

  /** `{ datasetId, version, operator, description }` → DatasetRecord (status deleted). Owner MSP only. */
  @Transaction()
  @Returns('string')
  async deleteDataset(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId', 'version', 'operator', 'description']);
    const datasetId = f.id('datasetId');
    const version = f.integer('version', 1);
    const operator = f.id('operator');
    const description = f.text('description', { min: 0, max: Limits.description, multiline: true });

    const { current, owner } = await loadOwnDataset(ctx, datasetId, version);
    const record: DatasetRecord = {
      ...current,
      version,
      operator,
      description,
      status: DatasetStatus.Deleted,
      tamperFindingId: undefined,
      updatedAt: txTime(ctx),
      txId: ctx.stub.getTxID(),
    };
    await writeState(ctx, key(ctx, ObjectType.Dataset, datasetId), record);
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Delete,
      datasetId,
      datasetVersion: version,
      sha256: record.sha256,
      description,
      operator,
      memberId: owner.memberId,
    });
    return emitResult(ctx, ChaincodeEvent.DatasetDeleted, record);
  }

  /**
   * `{ datasetId, stance, operator }` → DatasetRecord (same version, the new stance). Owner MSP only,
   * not on a deleted dataset. While closed, `access:requestAccess` refuses new requests for it
   * (ACCESS.DATASET_CLOSED); requests already made and grants in force stay as they are.
   */
  @Transaction()
  @Returns('string')
  async setStance(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId', 'stance', 'operator']);
    const datasetId = f.id('datasetId');
    const stance = f.stance('stance');
    const operator = f.id('operator');

    const { current, owner } = await loadOwnLiveDataset(ctx, datasetId);
    const now = txTime(ctx);
    const record: DatasetRecord = { ...current, stance, stanceSetBy: operator, stanceSetAt: now, updatedAt: now, txId: ctx.stub.getTxID() };
    await writeState(ctx, key(ctx, ObjectType.Dataset, datasetId), record);
    await recordProvenance(ctx, {
      operation: ProvenanceOperation.Stance,
      datasetId,
      datasetVersion: current.version,
      sha256: current.sha256,
      description: stance === 'open' ? 'open to access requests' : 'closed to access requests',
      operator,
      memberId: owner.memberId,
    });
    return emitResult(ctx, ChaincodeEvent.DatasetStanceSet, record);
  }

  /** `{ datasetId }` → DatasetRecord (current version, any status), or DATASET.NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getDataset(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId']);
    return marshal(await loadDataset(ctx, f.id('datasetId')));
  }

  /** `{ ownerMemberId? }` → DatasetRecord[] (any status), ordered by datasetId. */
  @Transaction(false)
  @Returns('string')
  async listDatasets(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['ownerMemberId']);
    const ownerMemberId = f.optionalId('ownerMemberId');
    const datasets = (await readByPartialKey(ctx, ObjectType.Dataset, [])) as DatasetRecord[];
    return marshal(ownerMemberId === undefined ? datasets : datasets.filter((d) => d.ownerMemberId === ownerMemberId));
  }

  /** `{ datasetId }` → DatasetHistoryEntry[]: every record written (versions, deletion, tamper marks), oldest first. */
  @Transaction(false)
  @Returns('string')
  async getDatasetHistory(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId']);
    const datasetId = f.id('datasetId');
    await loadDataset(ctx, datasetId);
    const history = await readHistory(ctx, key(ctx, ObjectType.Dataset, datasetId));
    const entries: DatasetHistoryEntry[] = history
      .filter((item) => item.value !== undefined)
      .map((item) => {
        const record = item.value as DatasetRecord;
        return { txId: item.txId, timestamp: item.timestamp === '' ? record.updatedAt : item.timestamp, record };
      });
    return marshal(entries);
  }

  /** `{ datasetId }` → ProvenanceEntry[]: every operation on the dataset, in commit order. */
  @Transaction(false)
  @Returns('string')
  async getProvenance(ctx: Context, request: string): Promise<string> {
    const f = Fields.parse(request, ['datasetId']);
    const datasetId = f.id('datasetId');
    await loadDataset(ctx, datasetId);
    const history = await readHistory(ctx, key(ctx, ObjectType.Provenance, datasetId));
    const entries: ProvenanceEntry[] = history
      .filter((item) => item.value !== undefined)
      .map((item) => {
        const entry = item.value as ProvenanceEntry;
        return { ...entry, txId: item.txId, timestamp: item.timestamp === '' ? entry.timestamp : item.timestamp };
      });
    return marshal(entries);
  }
}
