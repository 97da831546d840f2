// /ready answers its report with the status an orchestrator reads: 200 when every dependency is up,
// 503 when one is down (it used to fall through the error filter as a 500 INTERNAL.UNEXPECTED).
import type { Response } from 'express';
import { HealthController } from './health.controller';

function fakeResponse(): { res: Response; status: () => number } {
  let status = 200;
  const res = { status: (s: number) => ((status = s), res) } as unknown as Response;
  return { res, status: () => status };
}

describe('HealthController', () => {
  it('answers /ready with 200 and the report when NATS is up', async () => {
    const { res, status } = fakeResponse();
    const report = await new HealthController([{ name: 'nats', isUp: () => Promise.resolve(true) }]).ready(res);
    expect({ status: status(), report }).toMatchObject({ status: 200, report: { service: 'api-gateway', status: 'up', checks: { nats: 'up' } } });
  });

  it('answers /ready with 503 and the report naming what is down', async () => {
    const { res, status } = fakeResponse();
    const report = await new HealthController([{ name: 'nats', isUp: () => Promise.resolve(false) }]).ready(res);
    expect({ status: status(), report }).toMatchObject({ status: 503, report: { service: 'api-gateway', status: 'down', checks: { nats: 'down' } } });
  });
});
