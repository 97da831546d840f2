// What the chart of a model shows (issue 16): a GLM's coefficients with their intervals (a forest
// plot), a correlation matrix (a heat map of r), a contingency table (bars per row level, grouped by
// column level). Only released numbers are drawn; a withheld cell or an undefined r is named.
import type { ModelAnalysisResult } from '@phdmf/contracts';

export type ModelChart =
  | { kind: 'forest'; title: string; subtitle: string[]; axisTitle: string; rows: { name: string; estimate: number; low: number; high: number }[] }
  | { kind: 'heatmap'; title: string; subtitle: string[]; cells: { row: string; column: string; r: number }[]; columns: string[] }
  | { kind: 'grouped-bars'; title: string; subtitle: string[]; rowTitle: string; groupTitle: string; bars: { row: string; group: string; count: number }[] };

const MAX_NOTES = 6;

function notes(list: string[]): string[] {
  return list.length > MAX_NOTES ? [...list.slice(0, MAX_NOTES), `… and ${list.length - MAX_NOTES} more`] : list;
}

const LINK: Record<string, string> = { gaussian: 'identity link', binomial: 'log odds (logit link)', poisson: 'log rate (log link)' };

/** The chart of a model result. */
export function modelChart(result: ModelAnalysisResult): ModelChart {
  const id = `analysis ${result.analysisId}`;
  if (result.glm) {
    const g = result.glm;
    const level = Math.round(g.level * 100);
    return {
      kind: 'forest',
      title: `GLM coefficients with ${level} % intervals — ${id}`,
      subtitle: [
        `${g.family} model of ${result.request.glm?.outcome ?? 'the outcome'}: n = ${g.n}, ${g.iterations} iterations${g.converged ? '' : ' (not converged)'}, deviance ${g.deviance.toPrecision(6)} on ${g.dfResidual} df`,
      ],
      axisTitle: `estimate (${LINK[g.family] ?? g.family})`,
      rows: g.coefficients.map((c) => ({ name: c.name, estimate: c.estimate, low: c.interval[0], high: c.interval[1] })),
    };
  }
  if (result.correlation) {
    const m = result.correlation;
    const cells: { row: string; column: string; r: number }[] = [];
    const missing: string[] = [];
    m.columns.forEach((row, i) => { m.columns.forEach((column, j) => {
        const r = m.correlation[i]?.[j];
        if (typeof r === 'number') cells.push({ row, column, r });
        else if (i < j) missing.push(`${row} × ${column}: no r (too few records or no variance)`);
      }); },
    );
    return { kind: 'heatmap', title: `Pearson correlation (pairwise complete) — ${id}`, subtitle: notes(missing), cells, columns: m.columns };
  }
  const t = result.table;
  if (!t) throw new Error(`analysis ${result.analysisId} holds no model`);
  const bars: { row: string; group: string; count: number }[] = [];
  const withheld: string[] = [];
  t.rows.forEach((row, i) => { t.columns.forEach((group, j) => {
      const n = t.counts[i]?.[j];
      if (typeof n === 'number') bars.push({ row, group, count: n });
      else withheld.push(`${row}${group === '' ? '' : ` / ${group}`}: withheld (small cell)`);
    }); },
  );
  const test = t.chiSquare ? [`chi-square ${t.chiSquare.statistic.toPrecision(5)} on ${t.chiSquare.df} df, p = ${t.chiSquare.pValue.toPrecision(3)}`] : [];
  const spec = result.request.table;
  return {
    kind: 'grouped-bars',
    title: `Records by ${spec?.rows.column ?? 'row'}${spec?.columns ? ` and ${spec.columns.column}` : ''} — ${id}`,
    subtitle: [...test, ...notes(withheld)],
    rowTitle: spec?.rows.column ?? 'row',
    groupTitle: spec?.columns?.column ?? '',
    bars,
  };
}
