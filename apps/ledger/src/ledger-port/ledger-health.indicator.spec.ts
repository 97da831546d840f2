import '../chaincode/chaincode-logging'; // before anything loads fabric-contract-api
import { assessHealth, type HealthIndicator } from '@phdmf/messaging';
import { tempDir } from '@phdmf/testing';
import { EmbeddedLedgerAdapter } from './embedded/embedded-ledger.adapter';
import { LedgerHealthIndicator } from './ledger-health.indicator';

describe('LedgerHealthIndicator', () => {
  const dir = tempDir('phdmf-ledger-health-');
  afterAll(() => {
    dir.remove();
  });

  it('joins the service\'s indicators once, and reports the ledger up while it answers and down once it is closed', async () => {
    const ledger = await EmbeddedLedgerAdapter.open({ dataDir: dir.dir });
    const nats: HealthIndicator = { name: 'nats', isUp: () => Promise.resolve(true) };
    const indicators: HealthIndicator[] = [nats];
    const indicator = new LedgerHealthIndicator(ledger, indicators);
    indicator.onModuleInit();
    indicator.onModuleInit();
    expect(indicators.map((i) => i.name)).toEqual(['nats', 'ledger']);

    expect(await assessHealth('ledger', 'test', indicators)).toMatchObject({ status: 'up', checks: { nats: 'up', ledger: 'up' } });
    await ledger.close();
    expect(await assessHealth('ledger', 'test', indicators)).toMatchObject({ status: 'down', checks: { nats: 'up', ledger: 'down' } });
  });
});
