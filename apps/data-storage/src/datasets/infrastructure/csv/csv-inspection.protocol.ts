import type { CsvSchema } from '../../domain/csv-schema';

/** To the inspection's thread: the next bytes of the file (`length` bytes of shared memory from `offset`), or its end. */
export type InspectionRequest = { kind: 'chunk'; memory: SharedArrayBuffer; offset: number; length: number } | { kind: 'finish' };

/** From it, one per request, in order. */
export type InspectionReply = { kind: 'taken' } | { kind: 'schema'; schema: CsvSchema } | { kind: 'refused'; line: number; problem: string };
