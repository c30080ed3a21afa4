/** SQL that runs unchanged on the local tables (DuckDB) and on BigQuery's `gifs` view. */

/** Failures and rejections by code, with counts and up to three example ids: `framesift failures`. */
export const FAILURES_SQL = `SELECT status, error_code, count(*) AS files,
  array_to_string(list(coalesce(gif_id, batch_id) ORDER BY gif_id)[1:3], ', ') AS examples
FROM gifs WHERE status <> 'ok' GROUP BY status, error_code ORDER BY files DESC, error_code`;
