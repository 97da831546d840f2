import { CommonErrorCode } from '@phdmf/contracts';

/**
 * A subject as a metric label or span name. Per-node subjects carry the node's id
 * (`phdmf.storage.<nodeId>.qry.…`, `phdmf.ledger.node.<nodeId>.cmd.…`, see libs/contracts); it is
 * folded to `*` so one message is one series however many sites join, and the site, where it
 * matters, is a label of its own (Metrics.siteSummaryDuration).
 */
export function subjectLabel(subject: string): string {
  return subject.replace(/^phdmf\.storage\.[^.]+\./, 'phdmf.storage.*.').replace(/^phdmf\.ledger\.node\.[^.]+\./, 'phdmf.ledger.node.*.');
}

/** `ok`, or the stable error code of a failure (codes are constants, so the label stays bounded); an uncoded one is INTERNAL.UNEXPECTED. */
export function outcomeOf(error: unknown): string {
  if (error === undefined) return 'ok';
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)+$/.test(code) ? code : CommonErrorCode.INTERNAL;
}
