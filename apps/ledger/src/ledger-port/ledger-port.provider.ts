import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { LedgerConfig } from '../config';
import { ensureConsortium } from '../identity/consortium-bootstrap';
import { organisationIdentity } from '../identity/signing-identity.resolver';
import { LEDGER_LOGGER } from '../ledger.tokens';
import { createLedgerPort } from './create-ledger-port';
import { LEDGER_PORT, type LedgerPort } from './ledger-port';

/**
 * Opens the ledger before anything is served: the adapter, the consortium (initialized by the
 * governor on a fresh chain), and — in the background — a verification of the stored chain.
 */
export const ledgerPortProvider: Provider = {
  provide: LEDGER_PORT,
  inject: [LedgerConfig, LEDGER_LOGGER],
  useFactory: async (config: LedgerConfig, logger: Logger): Promise<LedgerPort> => {
    const ledger = await createLedgerPort(config, logger);
    try {
      const consortium = await ensureConsortium(ledger, organisationIdentity(config.LEDGER_GOVERNOR_MSP), config.LEDGER_CONSORTIUM_NAME, logger);
      const info = await ledger.chainInfo();
      logger.info({ adapter: ledger.adapter, height: info.height, consortium: consortium.consortiumName, governorMspId: consortium.governorMspId }, 'ledger open');
    } catch (error) {
      await ledger.close();
      throw error;
    }
    if (config.LEDGER_VERIFY_ON_START === 'true') void verifyInBackground(ledger, logger);
    return ledger;
  },
};

async function verifyInBackground(ledger: LedgerPort, logger: Logger): Promise<void> {
  const started = Date.now();
  try {
    const outcome = await ledger.verifyChain();
    if (outcome.ok) logger.info({ height: outcome.height, ms: Date.now() - started }, 'ledger chain verified');
    else logger.error({ firstInvalidBlock: outcome.firstInvalidBlock, reason: outcome.reason }, 'LEDGER CHAIN VERIFICATION FAILED: stored blocks were altered');
  } catch (error) {
    // The service may be stopping while the chain is being verified.
    logger.warn({ err: error }, 'ledger chain verification did not complete');
  }
}

/** Closes the ledger last, after the transport stopped taking requests. */
@Injectable()
export class LedgerPortCloser implements OnApplicationShutdown {
  constructor(@Inject(LEDGER_PORT) private readonly ledger: LedgerPort) {}

  async onApplicationShutdown(): Promise<void> {
    await this.ledger.close();
  }
}
