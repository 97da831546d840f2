import { HttpErrorCode } from '@phdmf/contracts';

/** Codes the edge itself raises (besides the services' own and the HTTP layer's). */
export const EdgeErrorCode = {
  /** Role or organisation check at the edge failed. */
  FORBIDDEN: 'EDGE.FORBIDDEN',
  ...HttpErrorCode,
} as const;

// The one code → status table serves the edge and every storage site's local API, so it lives in
// @phdmf/contracts; add a code's status there.
export { ERROR_STATUS_TABLE, httpStatusFor } from '@phdmf/contracts';
