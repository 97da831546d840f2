// @phdmf/client: the typed client of the PHDMF REST API. Browser-safe: global fetch, Web Crypto,
// no Node built-ins (tsconfig.browser.json holds it to that).
export { createPhdmfClient, type PhdmfApi, type PhdmfClient, type PhdmfClientOptions } from './client';
export { ok, type ApiResult } from './result';
export { PhdmfApiError, isPhdmfApiError, type ApiErrorBody } from './errors';
export { API_ERROR_CODES, type ApiErrorCode } from './generated/error-codes';
export { IDEMPOTENT_OPERATIONS } from './generated/operations';
export type { paths, components, operations } from './generated/schema';
export { paginate, type ListPage } from './paginate';
export { type EventFeedOptions, type PhdmfEvent } from './events';
export { type RetryOptions } from './retry';
export { type Credentials, type FetchLike, type Tokens } from './transport';
export {
  analysisResultHash,
  blockHeaderHash,
  onChainResultHash,
  sha256Hex,
  verifyAnalysis,
  verifyBlocks,
  type AnalysisVerification,
  type BlockHashRule,
  type BlockVerification,
  type HashedAnalysis,
  type RecordingTransaction,
  type ShownBlock,
} from './verify';
