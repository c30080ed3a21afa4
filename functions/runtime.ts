/**
 * The clients each function needs, created on first use (not at import, so a
 * cold start that fails config says so in the first event's log, and tests can
 * set the environment first) and reused across events.
 */
import { join } from 'node:path';
import { DuckDbWarehouse } from '../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../shared/adapters/local/folder-store.ts';
import { LocalQueue } from '../shared/adapters/local/local-queue.ts';
import type { ObjectStore, Publisher, Warehouse } from '../shared/pipeline/ports.ts';
import { ConfigError, loadConfig, type FunctionConfig } from './config.ts';

export interface Runtime {
  config: FunctionConfig;
  store: ObjectStore;
  publisher: Publisher;
  warehouse: Warehouse;
}

let current: Runtime | undefined;

export function runtime(): Runtime {
  return (current ??= createRuntime(loadConfig()));
}

/** Forgets the clients, so the next event builds them again from the environment (tests). */
export function resetRuntime(): void {
  current = undefined;
}

function createRuntime(config: FunctionConfig): Runtime {
  if (config.backend === 'local') {
    const lazyWarehouse = new DuckDbWarehouse({
      outputRoot: join(config.localRoot, 'buckets', config.outputBucket),
      databasePath: join(config.localRoot, 'warehouse.duckdb'),
    });
    return { config, store: new FolderStore(join(config.localRoot, 'buckets')), publisher: new LocalQueue(), warehouse: lazyWarehouse };
  }
  throw new ConfigError('FRAMESIFT_BACKEND=gcp needs the Cloud Storage, Pub/Sub and BigQuery adapters (functions/runtime.ts)');
}
