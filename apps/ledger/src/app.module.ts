import type { DynamicModule, Provider } from '@nestjs/common';
import type { Logger } from '@phdmf/logging';
import { coreModules } from '@phdmf/messaging';
import { ChaincodeClient } from './chaincode/chaincode-client';
import { LedgerConfig } from './config';
import { ChainEventRelay } from './events/chain-event-relay';
import { EventCheckpointStore } from './events/event-checkpoint.store';
import { NodeBinding } from './identity/node-binding';
import { SigningIdentityResolver } from './identity/signing-identity.resolver';
import { LedgerHealthIndicator } from './ledger-port/ledger-health.indicator';
import { LedgerPortCloser, ledgerPortProvider } from './ledger-port/ledger-port.provider';
import { LEDGER_LOGGER } from './ledger.tokens';
import { LEDGER_PERSISTENCE } from './persistence';
import { LedgerQueriesController } from './queries/ledger-queries.controller';
import { ProvenanceReader } from './queries/provenance';
import { LedgerCommandsController } from './transactions/ledger-commands.controller';
import { NodeCommandsController } from './transactions/node-commands.controller';

const ledgerProviders: Provider[] = [ledgerPortProvider, LedgerPortCloser, LedgerHealthIndicator, SigningIdentityResolver, NodeBinding, ChaincodeClient];
const queryProviders: Provider[] = [ProvenanceReader];
const eventProviders: Provider[] = [EventCheckpointStore, ChainEventRelay];

export class AppModule {
  static forRoot(config: LedgerConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      // The ledger publishes events (straight from the chain, see ChainEventRelay) but consumes none.
      imports: coreModules({ service: 'ledger', config, logger, persistence: LEDGER_PERSISTENCE, events: { consume: false } }),
      controllers: [LedgerCommandsController, NodeCommandsController, LedgerQueriesController],
      providers: [
        { provide: LedgerConfig, useValue: config },
        { provide: LEDGER_LOGGER, useValue: logger },
        ...ledgerProviders,
        ...queryProviders,
        ...eventProviders,
      ],
    };
  }
}
