import 'reflect-metadata';
import { runMigrations } from '@phdmf/messaging';
import { loadNodeRegistryConfig } from './config';
import { NODE_REGISTRY_PERSISTENCE } from './persistence';

void runMigrations('node-registry', () => loadNodeRegistryConfig(), NODE_REGISTRY_PERSISTENCE);
