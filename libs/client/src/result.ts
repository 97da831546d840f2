import { PhdmfApiError } from './errors';

/** What openapi-fetch answers for a call. */
export interface ApiResult<D> {
  data?: D;
  error?: unknown;
  response: Response;
}

/** The data of a successful call, or its PhdmfApiError thrown: `const me = await ok(phdmf.api.GET('/api/v1/auth/me'))`. */
export async function ok<D>(pending: Promise<ApiResult<D>> | ApiResult<D>): Promise<D> {
  const { data, error, response } = await pending;
  if (!response.ok || error !== undefined) throw PhdmfApiError.fromBody(response.status, error);
  return data as D;
}
