// SVG bar charts with Vega-Lite compiled to Vega and rendered headless (`View#toSVG`, no canvas).
// The data and titles are values in the specification, never markup or field paths: Vega escapes
// every text it writes into the SVG, and the fields are fixed names, so a column called `a.b` or
// `<script>` is drawn as text. Vega's loader is replaced by one that refuses everything, so no
// specification can make the service read a file or a URL.
import { Injectable } from '@nestjs/common';
import { parse, View, type Loader } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { ChartData } from '../../domain/chart';
import type { ModelChart } from '../../domain/model-chart';
import { modelChartSpec } from './model-charts';

const refuse = (what: string) => Promise.reject(new Error(`charts load nothing (${what})`));
const NO_LOADING: Loader = {
  load: (uri) => refuse(uri),
  sanitize: (uri) => refuse(uri),
  http: (uri) => refuse(uri),
  file: (name) => refuse(name),
};

@Injectable()
export class SvgChartRenderer {
  async render(chart: ChartData): Promise<string> {
    const variables = new Set(chart.bars.map((b) => b.variable)).size;
    // Grouped bars: per site, or per level of a stratum, within each variable.
    const bySite = chart.by !== 'variable';
    const perVariable = bySite ? Math.max(1, new Set(chart.bars.map((b) => b.site)).size) : 1;
    const spec: TopLevelSpec = {
      title: { text: chart.title, ...(chart.subtitle.length > 0 ? { subtitle: chart.subtitle } : {}), anchor: 'start' },
      width: Math.max(240, Math.min(2400, variables * perVariable * 28 + variables * 16)),
      height: 260,
      data: { values: chart.bars.map((b) => ({ variable: b.variable, site: b.site ?? '', value: b.value })) },
      encoding: {
        x: { field: 'variable', type: 'nominal', sort: null, title: 'variable', axis: { labelAngle: variables > 6 ? -40 : 0 } },
        y: { field: 'value', type: 'quantitative', title: chart.axisTitle },
        ...(bySite ? { xOffset: { field: 'site', type: 'nominal' as const, sort: null }, color: { field: 'site', type: 'nominal' as const, title: chart.by === 'stratum' ? 'level' : 'site', sort: null } } : {}),
      },
      layer: [
        { mark: { type: 'bar', ...(bySite ? {} : { color: '#4c78a8' }) } },
        { mark: { type: 'text', dy: -4, baseline: 'bottom', fontSize: 9 }, encoding: { text: { field: 'value', type: 'quantitative', format: '.4~g' } } },
      ],
    };
    return this.toSvg(spec);
  }

  /** A model's chart: a forest plot, a heat map or grouped bars (model-charts.ts). */
  renderModel(chart: ModelChart): Promise<string> {
    return this.toSvg(modelChartSpec(chart));
  }

  private async toSvg(spec: TopLevelSpec): Promise<string> {
    const view = new View(parse(compile(spec).spec), { renderer: 'none', loader: NO_LOADING });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  }
}
