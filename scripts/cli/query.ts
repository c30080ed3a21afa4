import { DuckDbWarehouse } from '../../shared/adapters/local/duckdb-warehouse.ts';
import { localPaths } from '../local/pipeline.ts';
import { UsageError } from './flags.ts';
import { DEFAULT_WORKDIR } from './run.ts';
import { formatTable } from './table.ts';

export const QUERY_USAGE = `framesift query "SQL" [--workdir DIR]    (npm run query -- "…")

  Runs SQL on the local tables, named as in BigQuery: gifs, key_frames
  (one row per key; gifs_all and key_frames_all hold every loaded row).`;

export async function runQuery(argv: string[]): Promise<void> {
  const workdirAt = argv.indexOf('--workdir');
  const workDir = workdirAt >= 0 ? argv[workdirAt + 1]! : DEFAULT_WORKDIR;
  const sql = (workdirAt >= 0 ? argv.filter((_, i) => i !== workdirAt && i !== workdirAt + 1) : argv).join(' ');
  if (!sql.trim()) throw new UsageError('Expected SQL to run');
  const paths = localPaths(workDir);
  const warehouse = new DuckDbWarehouse({ outputRoot: paths.output, databasePath: paths.database });
  try {
    await warehouse.refresh();
    console.log(formatTable(await warehouse.query(sql)));
  } finally {
    await warehouse.close();
  }
}

export const FAILURES_USAGE = `framesift failures [--workdir DIR]    (npm run failures)

  Failures and rejections by error code, with counts and example ids, from the local tables.
  In BigQuery, the same query runs on the gifs view (see README).`;

/** The query behind \`framesift failures\`; BigQuery runs it unchanged on the `gifs` view. */
export const FAILURES_SQL = `SELECT status, error_code, count(*) AS files,
  array_to_string(list(coalesce(gif_id, batch_id) ORDER BY gif_id)[1:3], ', ') AS examples
FROM gifs WHERE status <> 'ok' GROUP BY status, error_code ORDER BY files DESC, error_code`;

export async function failuresReport(workDir: string): Promise<Array<Record<string, unknown>>> {
  const paths = localPaths(workDir);
  const warehouse = new DuckDbWarehouse({ outputRoot: paths.output, databasePath: paths.database });
  try {
    await warehouse.refresh();
    return await warehouse.query(FAILURES_SQL);
  } finally {
    await warehouse.close();
  }
}

export async function runFailures(argv: string[]): Promise<void> {
  const at = argv.indexOf('--workdir');
  const rows = await failuresReport(at >= 0 ? argv[at + 1]! : DEFAULT_WORKDIR);
  console.log(rows.length ? formatTable(rows) : 'No failures or rejections.');
}
