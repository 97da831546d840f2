// A site's modelling refusal (issue 16: `DISCLOSURE.*`, `MODEL.*`), passed on to the researcher with
// its own code — the rule is the answer — naming the node, the dataset and the rule's own details
// (names and numbers, never the site's words: a site's text may quote a record). Used by the models
// and by summaries with a subset or stratum.
import { PhdmfError } from '@phdmf/contracts';
import type { ClearedDataset } from './access-gate';

/** Details a modelling refusal may pass on. */
const PASSED_DETAILS = ['rule', 'column', 'columns', 'threshold', 'path', 'parameters', 'n', 'retryAfterSeconds'] as const;

/** The refusal to pass on, or undefined when `error` is not a modelling refusal. */
export function modellingRefusal(dataset: Pick<ClearedDataset, 'nodeId' | 'datasetId'>, operation: string, error: unknown): PhdmfError | undefined {
  if (!(error instanceof PhdmfError) || !(error.code.startsWith('DISCLOSURE.') || error.code.startsWith('MODEL.'))) return undefined;
  const details: Record<string, unknown> = { nodeId: dataset.nodeId, datasetId: dataset.datasetId };
  for (const key of PASSED_DETAILS) if (error.details?.[key] !== undefined) details[key] = error.details[key];
  const what = [typeof details.rule === 'string' ? `rule ${details.rule}` : undefined, typeof details.column === 'string' ? `column "${details.column}"` : undefined].filter(Boolean).join(', ');
  return new PhdmfError(error.code, `node "${dataset.nodeId}" (dataset "${dataset.datasetId}") refused the ${operation}: ${error.code}${what ? ` (${what})` : ''}`, details);
}
