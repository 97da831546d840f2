import 'reflect-metadata';
import { runMigrations } from '@phdmf/messaging';
import { loadAuthorizationConfig } from './config';
import { AUTHORIZATION_PERSISTENCE } from './persistence';

void runMigrations('authorization', () => loadAuthorizationConfig(), AUTHORIZATION_PERSISTENCE);
