import type { DuckDbWarehouse } from '../shared/adapters/local/duckdb-warehouse.ts';
import { localWarehouse } from './adapters.ts';
import { localPaths } from './layout.ts';

/** The local warehouse of a work folder, refreshed over its Parquet files, open for one piece of work. */
export async function withLocalWarehouse<T>(workDir: string, use: (warehouse: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const warehouse = localWarehouse(localPaths(workDir));
  try {
    await warehouse.refresh();
    return await use(warehouse);
  } finally {
    await warehouse.close();
  }
}
