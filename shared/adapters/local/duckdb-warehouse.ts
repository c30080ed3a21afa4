/**
 * The warehouse on one machine: DuckDB over the same Parquet files that
 * BigQuery would load, under the same table and view names. A load is
 * remembered by its job id, as BigQuery remembers its jobs, so a load repeated
 * by a resumed compaction adds nothing; `<table>_all` reads exactly the loaded
 * files, and the views (views.ts) are the same SQL as BigQuery's. The jobs are
 * files beside the Parquet (`_warehouse/loads/`), so any DuckDB database over
 * the folder sees the same rows: the database itself is only a cache.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { refOf, type LoadJob, type Warehouse } from '../../pipeline/ports.ts';
import { TABLES, allRowsTableOf, duckdbTypeOf, type TableDefinition } from '../../pipeline/tables.ts';
import { DUCKDB_TARGET, viewSql } from '../../pipeline/views.ts';

export type QueryRow = Record<string, unknown>;

interface LoadRecord {
  table: string;
  paths: string[];
}

export class DuckDbWarehouse implements Warehouse {
  /** Folder holding the output bucket's objects, where `gs://<output>/<name>` is `<outputRoot>/<name>`. */
  readonly #outputRoot: string;
  readonly #databasePath: string;
  #connection: Promise<DuckDBConnection> | undefined;
  /** Set by a load; the next query redefines the views first, so loads that run side by side cost one refresh. */
  #stale = true;

  constructor(options: { outputRoot: string; databasePath: string }) {
    this.#outputRoot = options.outputRoot;
    this.#databasePath = options.databasePath;
  }

  #connect(): Promise<DuckDBConnection> {
    return (this.#connection ??= DuckDBInstance.create(this.#databasePath).then((db) => db.connect()));
  }

  get #loadsFolder(): string {
    return join(this.#outputRoot, '_warehouse', 'loads');
  }

  async load(table: string, uris: string[], job: LoadJob): Promise<void> {
    const definition = (TABLES as Record<string, TableDefinition>)[table];
    if (!definition) throw new RangeError(`Expected a table of ${Object.keys(TABLES).join(', ')} but found ${table}`);
    const jobFile = join(this.#loadsFolder, `${job.runId}_${table}.json`);
    if (!existsSync(jobFile)) {
      await mkdir(this.#loadsFolder, { recursive: true });
      const record: LoadRecord = { table, paths: uris.map((uri) => refOf(uri).name) };
      await writeFile(`${jobFile}.tmp`, JSON.stringify(record));
      await rename(`${jobFile}.tmp`, jobFile);
    }
    this.#stale = true;
  }

  /** Creates or refreshes every table's rows and views, over the loads recorded so far (by any process). */
  async refresh(): Promise<void> {
    this.#stale = false;
    const connection = await this.#connect();
    const loads = await this.#loads();
    for (const table of Object.values(TABLES)) await this.#defineRows(connection, table, loads);
    for (const table of Object.values(TABLES)) await connection.run(`CREATE OR REPLACE VIEW ${table.name} AS ${viewSql(table, DUCKDB_TARGET)}`);
  }

  async query(sql: string): Promise<QueryRow[]> {
    if (this.#stale) await this.refresh();
    const connection = await this.#connect();
    const result = await connection.runAndReadAll(sql);
    return result.getRowObjectsJS().map((row) => plain(row) as QueryRow);
  }

  async close(): Promise<void> {
    const connection = await this.#connection;
    connection?.closeSync();
    this.#connection = undefined;
  }

  async #defineRows(connection: DuckDBConnection, table: TableDefinition, loads: LoadRecord[]): Promise<void> {
    const paths = loads.filter((load) => load.table === table.name).flatMap((load) => load.paths.map((name) => join(this.#outputRoot, name))).sort();
    const typed = table.columns.map((c) => `CAST(${c.name} AS ${duckdbTypeOf(c)}) AS ${c.name}`).join(', ');
    const source = paths.length > 0
      ? `SELECT ${typed} FROM read_parquet([${paths.map(literal).join(', ')}], union_by_name = true)`
      : `SELECT ${table.columns.map((c) => `CAST(NULL AS ${duckdbTypeOf(c)}) AS ${c.name}`).join(', ')} WHERE false`;
    await connection.run(`CREATE OR REPLACE VIEW ${allRowsTableOf(table)} AS ${source}`);
  }

  async #loads(): Promise<LoadRecord[]> {
    if (!existsSync(this.#loadsFolder)) return [];
    const names = (await readdir(this.#loadsFolder)).filter((name) => name.endsWith('.json'));
    return Promise.all(names.map(async (name) => JSON.parse(await readFile(join(this.#loadsFolder, name), 'utf8')) as LoadRecord));
  }
}

function literal(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** DuckDB's JS values with BIGINTs as numbers where they fit, as BigQuery's client returns INT64s. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}
