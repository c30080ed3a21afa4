/**
 * The functions on the local adapters (folders, an in-process queue, DuckDB),
 * for running them under functions-framework from the source tree. Nothing
 * drains that queue but its caller, so this serves tests and experiments; the
 * local deployment proper is `framesift run`. The deployed build leaves it out.
 */
import { join } from 'node:path';
import type { Backend } from './backend.ts';

const buckets = (root: string) => join(root, 'buckets');

export const localBackend: Backend = {
  async store(config) {
    const { FolderStore } = await import('../../shared/adapters/local/folder-store.ts');
    return new FolderStore(buckets(config.localRoot));
  },
  async publisher() {
    const { LocalQueue } = await import('../../shared/adapters/local/local-queue.ts');
    return new LocalQueue();
  },
  async warehouse(config) {
    const { DuckDbWarehouse } = await import('../../shared/adapters/local/duckdb-warehouse.ts');
    return new DuckDbWarehouse({ outputRoot: join(buckets(config.localRoot), config.outputBucket), databasePath: join(config.localRoot, 'warehouse.duckdb') });
  },
  subscriber() {
    return Promise.reject(new Error('The local backend has no dead-letter subscription: its queue dead-letters in process'));
  },
};
