import { Metrics } from './metrics';
import { startMetricsListener } from './metrics-listener';

describe('the metrics listener', () => {
  it('answers GET /metrics in Prometheus text format on loopback, and nothing else', async () => {
    const listener = await startMetricsListener(0, '127.0.0.1');
    try {
      Metrics.tamperFindings.inc();
      expect(listener.url).toBe(`http://127.0.0.1:${listener.port}/metrics`);
      const res = await fetch(listener.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toMatch(/^phdmf_tamper_findings_total(\{[^}]*\})? [1-9]/m);
      expect((await fetch(`http://127.0.0.1:${listener.port}/`)).status).toBe(404);
      expect((await fetch(listener.url, { method: 'POST' })).status).toBe(404);
    } finally {
      await listener.close();
    }
  });
});
