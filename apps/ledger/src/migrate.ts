import 'reflect-metadata';
import { runMigrations } from '@phdmf/messaging';
import { loadLedgerConfig } from './config';
import { LEDGER_PERSISTENCE } from './persistence';

void runMigrations('ledger', () => loadLedgerConfig(), LEDGER_PERSISTENCE);
