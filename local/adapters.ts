/** The local implementations of the ports, wired to a work folder in one place. */
import { join } from 'node:path';
import { DuckDbWarehouse } from '../shared/adapters/local/duckdb-warehouse.ts';
import { FolderStore } from '../shared/adapters/local/folder-store.ts';
import type { LocalPaths } from './layout.ts';

export function localStore(paths: LocalPaths): FolderStore {
  return new FolderStore(paths.buckets);
}

/** DuckDB over the output folder's Parquet files, under the BigQuery table names. */
export function localWarehouse(paths: LocalPaths, outputBucket?: string): DuckDbWarehouse {
  return new DuckDbWarehouse({ outputRoot: outputBucket ? join(paths.buckets, outputBucket) : paths.output, databasePath: paths.database });
}
