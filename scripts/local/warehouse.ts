import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { localPaths } from './pipeline.ts';

/** The local warehouse of a work folder, refreshed over its Parquet files, open for one piece of work. */
export async function withLocalWarehouse<T>(workDir: string, use: (warehouse: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const paths = localPaths(workDir);
  const warehouse = new DuckDbWarehouse({ outputRoot: paths.output, databasePath: paths.database });
  try {
    await warehouse.refresh();
    return await use(warehouse);
  } finally {
    await warehouse.close();
  }
}
