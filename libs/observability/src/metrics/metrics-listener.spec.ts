import { Metrics } from './metrics';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startMetricsListener, startMetricsListenerRetrying } from './metrics-listener';

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

  describe('on a port another holds', () => {
    let holder: Server;
    let port: number;

    beforeEach(async () => {
      holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      port = (holder.address() as AddressInfo).port;
    });

    afterEach(async () => {
      await new Promise<void>((resolve) => holder.close(() => { resolve(); }));
    });

    it('listens once the port is let go, having said it is trying again', async () => {
      const failures: boolean[] = [];
      const started = startMetricsListenerRetrying(port, '127.0.0.1', { everyMs: 50, attempts: 100, onFailure: (_e, retrying) => failures.push(retrying) });
      await new Promise((r) => setTimeout(r, 300));
      await new Promise<void>((resolve) => holder.close(() => { resolve(); }));
      holder = createServer(); // closed again by afterEach
      holder.listen(0, '127.0.0.1');
      const listener = await started;
      try {
        expect(listener?.port).toBe(port);
        expect((await fetch(listener!.url)).status).toBe(200);
        expect(failures.length).toBeGreaterThan(1);
        expect(failures.every(Boolean)).toBe(true);
      } finally {
        await listener?.close();
      }
    });

    it('gives up after its attempts, the service serving on without /metrics', async () => {
      const failures: boolean[] = [];
      expect(await startMetricsListenerRetrying(port, '127.0.0.1', { everyMs: 10, attempts: 3, onFailure: (_e, retrying) => failures.push(retrying) })).toBeUndefined();
      expect(failures).toEqual([true, true, false]);
    });
  });
});
