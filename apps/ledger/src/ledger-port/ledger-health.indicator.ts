import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HEALTH_INDICATORS, type HealthIndicator } from '@phdmf/messaging';
import { LEDGER_PORT, type LedgerPort } from './ledger-port';

/**
 * The ledger itself in the service's health answer (`checks.ledger`): up while the adapter answers
 * a chain-info read — the embedded ledger open, or a Fabric peer reachable through the gateway.
 * Without it the service would report up while every command fails with LEDGER.UNAVAILABLE.
 * It joins the messaging layer's indicator list at start (that list is global; this port is the
 * ledger app's own, so it cannot be injected into the messaging module).
 */
@Injectable()
export class LedgerHealthIndicator implements HealthIndicator, OnModuleInit {
  readonly name = 'ledger';

  constructor(
    @Inject(LEDGER_PORT) private readonly ledger: LedgerPort,
    @Inject(HEALTH_INDICATORS) private readonly indicators: HealthIndicator[],
  ) {}

  onModuleInit(): void {
    if (!this.indicators.includes(this)) this.indicators.push(this);
  }

  async isUp(): Promise<boolean> {
    await this.ledger.chainInfo();
    return true;
  }
}
