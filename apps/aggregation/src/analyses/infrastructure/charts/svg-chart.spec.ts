import type { AnalysisResult } from '@phdmf/contracts';
import { chartData } from '../../domain/chart';
import { SvgChartRenderer } from './svg-chart';

const HOSTILE = '<script>alert("x")</script> & a.b[0]';

function result(overrides: Partial<AnalysisResult> = {}): AnalysisResult {
  return {
    analysisId: 'an-1',
    status: 'complete',
    requester: 'res-1',
    request: { datasets: ['ds-a', 'ds-b'], columns: ['age', HOSTILE, 'sbp'], statistics: ['count', 'mean', 'min'], breakdown: true, allowPartial: false },
    siteStatistics: ['count', 'min', 'mean'],
    poolMinCount: 3,
    datasets: [],
    columns: [
      { name: 'age', count: 1234, mean: 47.25, min: 17.5, minMaxExact: false },
      { name: HOSTILE, count: 98765, mean: 3.5, min: 1, minMaxExact: true },
      { name: 'sbp', suppressed: { code: 'DISCLOSURE.SITE_SUPPRESSED', reason: 'suppressed at site node-b' } },
    ],
    sites: [
      { nodeId: 'node-a', datasetId: 'ds-a', columns: [{ name: 'age', count: 600, mean: 40 }, { name: HOSTILE, count: 5, mean: 3 }, { name: 'sbp', count: 10, mean: 120 }] },
      { nodeId: 'node-b', datasetId: 'ds-b', columns: [{ name: 'age', count: 634, mean: 54 }, { name: HOSTILE, suppressed: { code: 'DISCLOSURE.POOL_BELOW_THRESHOLD', reason: 'few' } }, { name: 'sbp', suppressed: { code: 'X', reason: 'few' } }] },
    ],
    createdAt: '2030-01-01T00:00:00Z',
    resultHash: 'a'.repeat(64),
    txId: 'tx-1',
    blockNumber: 9,
    ...overrides,
  };
}

describe('analysis charts', () => {
  const renderer = new SvgChartRenderer();

  it('draws one bar per variable with its value, and names what was withheld and why', async () => {
    const data = chartData(result(), 'count', 'variable');
    expect(data.bars).toEqual([{ variable: 'age', value: 1234 }, { variable: HOSTILE, value: 98765 }]);
    expect(data.subtitle).toEqual(['sbp: withheld (suppressed at site node-b)']);
    const svg = await renderer.render(data);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('1234');
    expect(svg).toContain('98765');
    expect(svg.match(/<path[^>]*role-mark|class="mark-rect/g)?.length ?? 0).toBeGreaterThan(0);
    expect(svg).toContain('sample number (count)');
  });

  it('escapes every text: a column name is drawn, never interpreted', async () => {
    const svg = await renderer.render(chartData(result(), 'mean', 'site'));
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).not.toMatch(/<(?!\/?(svg|g|path|rect|text|line|tspan|defs|clipPath|title|desc|circle)[\s>/])/);
  });

  it('draws one bar per site within each variable from the breakdown, and says min/max are bounds', async () => {
    const bySite = chartData(result(), 'mean', 'site');
    expect(bySite.bars).toEqual([
      { variable: 'age', site: 'node-a', value: 40 },
      { variable: HOSTILE, site: 'node-a', value: 3 },
      { variable: 'sbp', site: 'node-a', value: 120 },
      { variable: 'age', site: 'node-b', value: 54 },
    ]);
    const svg = await renderer.render(bySite);
    expect(svg).toContain('node-a');
    expect(svg).toContain('node-b');
    expect(chartData(result(), 'min', 'variable').subtitle).toContain('min and max are bounds: sites moved them outwards');
  });

  it('is unavailable for a statistic not asked for, or per site without a breakdown', () => {
    const codeOf = (draw: () => unknown): string | undefined => {
      try {
        draw();
        return undefined;
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(codeOf(() => chartData(result(), 'sd', 'variable'))).toBe('ANALYSIS.CHART_UNAVAILABLE');
    expect(codeOf(() => chartData(result({ sites: undefined }), 'count', 'site'))).toBe('ANALYSIS.CHART_UNAVAILABLE');
  });
});
