import 'reflect-metadata';
import { runMigrations } from '@phdmf/messaging';
import { loadDataStorageConfig } from './config';
import { DATA_STORAGE_PERSISTENCE } from './persistence';

void runMigrations('data-storage', () => loadDataStorageConfig(), DATA_STORAGE_PERSISTENCE);
