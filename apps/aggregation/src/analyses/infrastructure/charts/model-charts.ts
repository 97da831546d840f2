// Vega-Lite specifications of the model charts (domain/model-chart.ts): a forest plot, a heat map,
// grouped bars. As in svg-chart.ts, the data and titles are values, never markup or field paths.
import type { TopLevelSpec } from 'vega-lite';
import type { ModelChart } from '../../domain/model-chart';

function title(chart: ModelChart) {
  return { text: chart.title, ...(chart.subtitle.length > 0 ? { subtitle: chart.subtitle } : {}), anchor: 'start' as const };
}

export function modelChartSpec(chart: ModelChart): TopLevelSpec {
  if (chart.kind === 'forest') {
    return {
      title: title(chart),
      width: 420,
      height: Math.max(60, chart.rows.length * 24),
      data: { values: chart.rows },
      encoding: { y: { field: 'name', type: 'nominal', sort: null, title: 'coefficient' } },
      layer: [
        { mark: { type: 'rule', color: '#4c78a8' }, encoding: { x: { field: 'low', type: 'quantitative', title: chart.axisTitle }, x2: { field: 'high' } } },
        { mark: { type: 'point', filled: true, color: '#4c78a8', size: 50 }, encoding: { x: { field: 'estimate', type: 'quantitative' } } },
        { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { x: { field: 'zero', type: 'quantitative' } } },
      ],
    };
  }
  if (chart.kind === 'heatmap') {
    const size = Math.max(120, Math.min(1200, chart.columns.length * 48));
    return {
      title: title(chart),
      width: size,
      height: size,
      data: { values: chart.cells },
      encoding: {
        x: { field: 'column', type: 'nominal', sort: chart.columns, title: null, axis: { labelAngle: chart.columns.length > 6 ? -40 : 0 } },
        y: { field: 'row', type: 'nominal', sort: chart.columns, title: null },
      },
      layer: [
        { mark: 'rect', encoding: { color: { field: 'r', type: 'quantitative', title: 'r', scale: { domain: [-1, 1], scheme: 'redblue', reverse: true } } } },
        { mark: { type: 'text', fontSize: 10 }, encoding: { text: { field: 'r', type: 'quantitative', format: '.2f' } } },
      ],
    };
  }
  const groups = new Set(chart.bars.map((b) => b.group)).size;
  const rows = new Set(chart.bars.map((b) => b.row)).size;
  const grouped = chart.groupTitle !== '';
  return {
    title: title(chart),
    width: Math.max(240, Math.min(2400, rows * Math.max(1, groups) * 24 + rows * 16)),
    height: 260,
    data: { values: chart.bars },
    encoding: {
      x: { field: 'row', type: 'nominal', sort: null, title: chart.rowTitle, axis: { labelAngle: rows > 6 ? -40 : 0 } },
      y: { field: 'count', type: 'quantitative', title: 'records' },
      ...(grouped ? { xOffset: { field: 'group', type: 'nominal' as const, sort: null }, color: { field: 'group', type: 'nominal' as const, title: chart.groupTitle, sort: null } } : {}),
    },
    layer: [
      { mark: { type: 'bar', ...(grouped ? {} : { color: '#4c78a8' }) } },
      { mark: { type: 'text', dy: -4, baseline: 'bottom', fontSize: 9 }, encoding: { text: { field: 'count', type: 'quantitative' } } },
    ],
  };
}
