import { CommonErrorCode } from '@phdmf/contracts';

// Subjects are contracts' constants, per node at most: few enough to remember (one lookup per request).
const labels = new Map<string, string>();

/**
 * A subject as a metric label or span name. Per-node subjects carry the node's id
 * (`phdmf.storage.<nodeId>.qry.…`, `phdmf.ledger.node.<nodeId>.cmd.…`, see libs/contracts); it is
 * folded to `*` so one message is one series however many sites join, and the site, where it
 * matters, is a label of its own (Metrics.siteSummaryDuration).
 */
export function subjectLabel(subject: string): string {
  let label = labels.get(subject);
  if (label === undefined) {
    label = subject.replace(/^phdmf\.storage\.[^.]+\./, 'phdmf.storage.*.').replace(/^phdmf\.ledger\.node\.[^.]+\./, 'phdmf.ledger.node.*.');
    labels.set(subject, label);
  }
  return label;
}


/** `ok`, or the stable error code of a failure (codes are constants, so the label stays bounded); an uncoded one is INTERNAL.UNEXPECTED. */
export function outcomeOf(error: unknown): string {
  if (error === undefined) return 'ok';
  const code: unknown = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)+$/.test(code) ? code : CommonErrorCode.INTERNAL;
}
