import 'reflect-metadata';
import { runMigrations } from '@phdmf/messaging';
import { loadAccountsConfig } from './config';
import { ACCOUNTS_PERSISTENCE } from './persistence';

void runMigrations('accounts', () => loadAccountsConfig(), ACCOUNTS_PERSISTENCE);
