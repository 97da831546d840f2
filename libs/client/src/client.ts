// createPhdmfClient: the generated, typed client (openapi-fetch over openapi-typescript's types of
// the edge's document) plus what generation cannot give: the session's tokens, Idempotency-Keys,
// retries, errors as values, pagination, the event feed and the verification helpers.
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { eventFeed, type EventFeedOptions, type PhdmfEvent } from './events';
import type { paths } from './generated/schema';
import { IDEMPOTENT_OPERATIONS } from './generated/operations';
import { newIdempotencyKey } from './idempotency-key';
import { ok } from './result';
import type { RetryOptions } from './retry';
import { Transport, type Credentials, type FetchLike, type Tokens } from './transport';
import { verifyAnalysis, verifyBlocks, type AnalysisVerification, type BlockVerification } from './verify';

/** The typed REST API: openapi-fetch's `GET`, `POST` … over every path of the document. */
export type PhdmfApi = Client<paths>;

/** How to reach and sign in to a PHDMF edge. */
export interface PhdmfClientOptions {
  /** The edge's origin, e.g. `https://phdmf.example.org` (the paths carry `/api/v1`). */
  baseUrl: string;
  /** Signs in with these on the first call, and again when the session ends. */
  credentials?: Credentials;
  /** Tokens of a session already signed in (e.g. kept by a console between page loads). */
  tokens?: Tokens;
  /** The fetch to send with (default: the global fetch). */
  fetch?: FetchLike;
  retry?: RetryOptions;
  /** Told of every new pair of tokens, and of sign-out (undefined). */
  onTokens?: (tokens: Tokens | undefined) => void;
  /** Makes the Idempotency-Key of each committing call (default: a random UUID). */
  idempotencyKey?: () => string;
}

/** A client of one PHDMF edge, for one account. */
export interface PhdmfClient {
  /** The typed REST API; answers `{ data, error, response }` (pass it to {@link ok} to get the data or a PhdmfApiError). */
  readonly api: PhdmfApi;
  /** Signs in (with the given credentials, or the client's). */
  signIn(credentials?: Credentials): Promise<Tokens>;
  /** Ends the session. */
  signOut(): Promise<void>;
  /** The session's tokens now (they change on refresh). */
  tokens(): Tokens | undefined;
  /** The caller's event feed (`GET /api/v1/events`) as an async iterator that reconnects from the last id it saw. */
  events(options?: EventFeedOptions): AsyncIterableIterator<PhdmfEvent>;
  /** Fetches an analysis and the transaction that recorded it, and checks its result hash against the chain. */
  verifyAnalysis(analysisId: string): Promise<AnalysisVerification>;
  /** Fetches blocks `from`…`to` (default: to the tip) and checks each one's hash and its link to the one before. */
  verifyBlocks(from: number, to?: number): Promise<BlockVerification[]>;
}

/** Creates a client; nothing is sent until the first call. */
export function createPhdmfClient(options: PhdmfClientOptions): PhdmfClient {
  const transport = new Transport(options);
  const api = createClient<paths>({ baseUrl: transport.baseUrl, fetch: (request) => transport.send(request) });
  api.use(idempotencyKeys(options.idempotencyKey ?? newIdempotencyKey));
  return {
    api,
    signIn: (credentials) => transport.signIn(credentials),
    signOut: () => transport.signOut(),
    tokens: () => transport.currentTokens(),
    events: (o) => eventFeed(transport, o),
    verifyAnalysis: async (analysisId) => {
      const analysis = await ok(api.GET('/api/v1/analyses/{analysisId}', { params: { path: { analysisId } } }));
      const tx = await ok(api.GET('/api/v1/ledger/transactions/{txId}', { params: { path: { txId: analysis.txId } } }));
      return verifyAnalysis(analysis, tx);
    },
    verifyBlocks: async (from, to) => {
      const last = to ?? (await ok(api.GET('/api/v1/ledger/chain'))).height - 1;
      const blocks = [];
      for (let n = from; n <= last; n++) blocks.push(await ok(api.GET('/api/v1/ledger/blocks/{number}', { params: { path: { number: n } } })));
      return verifyBlocks(blocks);
    },
  };
}

/**
 * One Idempotency-Key per logical call that commits (openapi-fetch runs middleware once per call;
 * the transport's retries resend the same Request, key included). A key the caller set is kept.
 */
function idempotencyKeys(make: () => string): Middleware {
  return {
    onRequest({ request, schemaPath }) {
      if (!IDEMPOTENT_OPERATIONS.has(`${request.method} ${schemaPath}`) || request.headers.has('Idempotency-Key')) return undefined;
      const headers = new Headers(request.headers);
      headers.set('Idempotency-Key', make());
      return new Request(request, { headers });
    },
  };
}
