import { outcomeOf } from './labels';
import { Metrics, secondsSince } from './metrics';

/** Counts one analysis by kind and outcome: the result's status (complete, partial) or the error's code. */
export async function countAnalysis<T extends { status: string }>(kind: 'single-dataset' | 'multi-dataset', run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    Metrics.analyses.inc({ kind, outcome: result.status });
    return result;
  } catch (error) {
    Metrics.analyses.inc({ kind, outcome: outcomeOf(error) });
    throw error;
  }
}

/** Times one site's answer to a summary request, per site node (a consortium has a handful) and outcome. */
export async function timeSiteSummary<T>(site: string, run: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  let outcome = 'ok';
  try {
    return await run();
  } catch (error) {
    outcome = outcomeOf(error);
    throw error;
  } finally {
    Metrics.siteSummaryDuration.observe({ site, outcome }, secondsSince(start));
  }
}

/** Counts what a site's disclosure rules withheld from a summary, by the rule's code. */
export function countWithheld(columns: readonly { withheld?: Readonly<Record<string, { code: string }>> }[]): void {
  for (const column of columns) {
    for (const w of Object.values(column.withheld ?? {})) Metrics.disclosureWithheld.inc({ code: w.code });
  }
}
