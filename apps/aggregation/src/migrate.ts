import 'reflect-metadata';
import { runMigrations } from '@phdmf/messaging';
import { loadAggregationConfig } from './config';
import { AGGREGATION_PERSISTENCE } from './persistence';

void runMigrations('aggregation', () => loadAggregationConfig(), AGGREGATION_PERSISTENCE);
