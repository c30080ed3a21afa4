/**
 * The views users query, over the loaded rows in `<table>_all`. Each keeps
 * the latest row per key, so a record loaded twice counts once. `gifs` and
 * `key_frames` also take each file's id and description from the latest
 * manifest line naming it: a file is extracted once, by its own upload,
 * whether its manifest came before it, after it or never. A line whose file
 * has no row yet shows as a MISSING_FILE row of its own. One SQL text serves
 * BigQuery and DuckDB; only table names and type names differ.
 */
import { ENGINE_VERSION } from '../version.ts';
import { RejectionCode } from './records.ts';
import { GIFS, KEY_FRAMES, MANIFEST_ENTRIES, allRowsTableOf, type ColumnType, type TableDefinition } from './tables.ts';

export type Dialect = 'bigquery' | 'duckdb';

/** How a dialect names a table of the dataset, and spells a column type in a CAST. */
export interface SqlTarget {
  dialect: Dialect;
  table: (name: string) => string;
}

export function bigQueryTarget(projectId: string, datasetId: string): SqlTarget {
  return { dialect: 'bigquery', table: (name) => `\`${projectId}.${datasetId}.${name}\`` };
}

export const DUCKDB_TARGET: SqlTarget = { dialect: 'duckdb', table: (name) => name };

const TYPES: Record<Dialect, Record<ColumnType, string>> = {
  bigquery: { STRING: 'STRING', INT64: 'INT64', FLOAT64: 'FLOAT64', BOOL: 'BOOL', TIMESTAMP: 'TIMESTAMP' },
  duckdb: { STRING: 'VARCHAR', INT64: 'BIGINT', FLOAT64: 'DOUBLE', BOOL: 'BOOLEAN', TIMESTAMP: 'TIMESTAMP' },
};

function typeName(target: SqlTarget, type: ColumnType, repeated: boolean): string {
  const base = TYPES[target.dialect][type];
  if (!repeated) return base;
  return target.dialect === 'bigquery' ? `ARRAY<${base}>` : `${base}[]`;
}

/** The latest row per unique key of a table, as a subquery. */
function latest(table: TableDefinition, target: SqlTarget, partitionBy: readonly string[] = table.uniqueKey): string {
  const columns = table.columns.map((c) => c.name).join(', ');
  return [
    `SELECT ${columns} FROM (`,
    `  SELECT ${columns}, ROW_NUMBER() OVER (PARTITION BY ${partitionBy.join(', ')} ORDER BY processed_at DESC) AS row_rank`,
    `  FROM ${target.table(allRowsTableOf(table))}`,
    ') WHERE row_rank = 1',
  ].join('\n');
}

/** Each file's manifest line: the latest one naming it, when several do. */
function entriesCte(target: SqlTarget): string {
  return `entries AS (\n${latest(MANIFEST_ENTRIES, target, ['source_uri'])}\n)`;
}

function gifsViewSql(target: SqlTarget): string {
  const fromEntry: Record<string, string> = {
    gif_id: 'COALESCE(e.gif_id, f.gif_id)',
    description: 'COALESCE(e.description, f.description)',
    manifest_uri: 'COALESCE(e.manifest_uri, f.manifest_uri)',
    manifest_line: 'COALESCE(e.manifest_line, f.manifest_line)',
  };
  const missing = `'${RejectionCode.MISSING_FILE}'`;
  const fileColumns = GIFS.columns.map((c) => `${fromEntry[c.name] ?? `f.${c.name}`} AS ${c.name}`).join(',\n  ');
  const lineRow: Record<string, string> = {
    record_key: 'e.entry_key',
    gif_id: 'e.gif_id',
    status: "'rejected'",
    error_code: missing,
    error_message: "CONCAT('Expected the file ', e.source_uri, ' that the manifest names, but no extraction of it is loaded: it is not uploaded, or not yet compacted')",
    source_uri: 'e.source_uri',
    description: 'e.description',
    batch_id: 'e.batch_id',
    manifest_uri: 'e.manifest_uri',
    manifest_line: 'e.manifest_line',
    engine_version: `'${ENGINE_VERSION}'`,
    processed_at: 'e.processed_at',
  };
  const lineColumns = GIFS.columns.map((c) => `${lineRow[c.name] ?? `CAST(NULL AS ${typeName(target, c.type, c.mode === 'REPEATED')})`} AS ${c.name}`).join(',\n  ');
  return [
    `WITH files AS (\n${latest(GIFS, target)}\n),`,
    entriesCte(target),
    `SELECT\n  ${fileColumns}`,
    'FROM files f LEFT JOIN entries e ON e.source_uri = f.source_uri',
    // A file named before it existed has a MISSING_FILE row under generation 0; once it is extracted, that row has done its work.
    `WHERE NOT (f.error_code IS NOT DISTINCT FROM ${missing} AND EXISTS (SELECT 1 FROM files o WHERE o.source_uri = f.source_uri AND o.error_code IS DISTINCT FROM ${missing}))`,
    'UNION ALL',
    `SELECT\n  ${lineColumns}`,
    'FROM entries e WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.source_uri = e.source_uri)',
  ].join('\n');
}

function keyFramesViewSql(target: SqlTarget): string {
  const columns = KEY_FRAMES.columns.map((c) => (c.name === 'gif_id' ? 'COALESCE(e.gif_id, k.gif_id) AS gif_id' : `k.${c.name}`)).join(', ');
  return [`WITH frames AS (\n${latest(KEY_FRAMES, target)}\n),`, entriesCte(target), `SELECT ${columns}`, 'FROM frames k LEFT JOIN entries e ON e.source_uri = k.source_uri'].join('\n');
}

/** The SQL of the view named after a table. */
export function viewSql(table: TableDefinition, target: SqlTarget): string {
  if (table.name === 'gifs') return gifsViewSql(target);
  if (table.name === 'key_frames') return keyFramesViewSql(target);
  return latest(table, target);
}
