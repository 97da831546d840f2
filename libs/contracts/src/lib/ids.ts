// The shapes of the ids PHDMF mints (each a prefix and a random UUID). Fields that only refer to an
// id take any ledger id (LEDGER_ID_PATTERN): these are what an answer's freshly minted ids look like.
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** A dataset, minted by its storage site at the first upload. */
export const DATASET_ID_PATTERN = new RegExp(`^ds-${UUID}$`);
/** A consortium member (institution), minted by the node registry when it applies. */
export const MEMBER_ID_PATTERN = new RegExp(`^m-${UUID}$`);
/** An analysis, minted by the aggregation service. */
export const ANALYSIS_ID_PATTERN = new RegExp(`^an-${UUID}$`);
/** A bare UUID: users, access requests, membership applications. */
export const UUID_PATTERN = new RegExp(`^${UUID}$`);
