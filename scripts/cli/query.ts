import type { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { FAILURES_SQL } from '../../shared/pipeline/queries.ts';
import { text, type Setting } from '../../shared/settings.ts';
import { UsageError, parseCommandArgs } from './flags.ts';
import { DEFAULT_WORKDIR } from '../../local/layout.ts';
import { formatTable } from './table.ts';

export const QUERY_USAGE = `framesift query "SQL" [--workdir DIR]    (npm run query -- "…")

  Runs SQL on the local tables, named as in BigQuery: gifs, key_frames
  (one row per key; gifs_all and key_frames_all hold every loaded row).`;

const WORKDIR_SETTINGS = {
  workDir: { flag: 'workdir', env: 'FRAMESIFT_WORKDIR', default: DEFAULT_WORKDIR, parse: text } satisfies Setting<string>,
};

export async function runQuery(argv: string[]): Promise<void> {
  const { values, positional } = parseCommandArgs(argv, WORKDIR_SETTINGS);
  const sql = positional.join(' ');
  if (!sql.trim()) throw new UsageError('Expected SQL to run');
  const rows = await openWarehouse(values.workDir, (warehouse) => warehouse.query(sql));
  console.log(formatTable(rows));
}

/** DuckDB loads only for the commands that query. */
async function openWarehouse<T>(workDir: string, use: (warehouse: DuckDbWarehouse) => Promise<T>): Promise<T> {
  const { withLocalWarehouse } = await import('../../local/warehouse.ts');
  return withLocalWarehouse(workDir, use);
}

export const FAILURES_USAGE = `framesift failures [--workdir DIR]    (npm run failures)

  Failures and rejections by error code, with counts and example ids, from the local tables.
  In BigQuery, the same query runs on the gifs view (see README).`;

export async function failuresReport(workDir: string): Promise<Array<Record<string, unknown>>> {
  return openWarehouse(workDir, (warehouse) => warehouse.query(FAILURES_SQL));
}

export async function runFailures(argv: string[]): Promise<void> {
  const { values } = parseCommandArgs(argv, WORKDIR_SETTINGS);
  const rows = await failuresReport(values.workDir);
  console.log(rows.length ? formatTable(rows) : 'No failures or rejections.');
}
