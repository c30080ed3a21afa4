/**
 * The warehouse on one machine: DuckDB over the same Parquet files that
 * BigQuery would load, under the same table names. `<table>_all` reads every
 * Parquet file of the table; `<table>` keeps one row per unique key (the
 * latest `processed_at`), so a record loaded twice still counts once.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { LoadJob, Warehouse } from '../../pipeline/ports.ts';
import { TABLES, duckdbTypeOf, type TableDefinition } from '../../pipeline/tables.ts';

export type QueryRow = Record<string, unknown>;

export class DuckDbWarehouse implements Warehouse {
  /** Folder holding `parquet/<table>/dt=…/*.parquet`: the output bucket's folder. */
  readonly #outputRoot: string;
  readonly #databasePath: string;
  #connection: Promise<DuckDBConnection> | undefined;

  constructor(options: { outputRoot: string; databasePath: string }) {
    this.#outputRoot = options.outputRoot;
    this.#databasePath = options.databasePath;
  }

  #connect(): Promise<DuckDBConnection> {
    return (this.#connection ??= DuckDBInstance.create(this.#databasePath).then((db) => db.connect()));
  }

  /** The local "load job": the views already read every file, so a load refreshes them. */
  async load(table: string, _uris: string[], _job: LoadJob): Promise<void> {
    const definition = (TABLES as Record<string, TableDefinition>)[table];
    if (!definition) throw new RangeError(`Expected a table of ${Object.keys(TABLES).join(', ')} but found ${table}`);
    await this.#defineViews(definition);
  }

  /** Creates or refreshes the views of every table. */
  async refresh(): Promise<void> {
    for (const table of Object.values(TABLES)) await this.#defineViews(table);
  }

  async query(sql: string): Promise<QueryRow[]> {
    const connection = await this.#connect();
    const result = await connection.runAndReadAll(sql);
    return result.getRowObjectsJS().map((row) => plain(row) as QueryRow);
  }

  async close(): Promise<void> {
    const connection = await this.#connection;
    connection?.closeSync();
    this.#connection = undefined;
  }

  async #defineViews(table: TableDefinition): Promise<void> {
    const connection = await this.#connect();
    const folder = join(this.#outputRoot, 'parquet', table.name);
    const typed = table.columns.map((c) => `CAST(${c.name} AS ${duckdbTypeOf(c)}) AS ${c.name}`).join(', ');
    const files = existsSync(folder) && (await readdir(folder, { recursive: true })).some((f) => f.endsWith('.parquet'));
    const source = files
      ? `SELECT ${typed} FROM read_parquet('${join(folder, '*', '*.parquet').replaceAll("'", "''")}', union_by_name = true)`
      : `SELECT ${table.columns.map((c) => `CAST(NULL AS ${duckdbTypeOf(c)}) AS ${c.name}`).join(', ')} WHERE false`;
    await connection.run(`CREATE OR REPLACE VIEW ${table.name}_all AS ${source}`);
    await connection.run(
      `CREATE OR REPLACE VIEW ${table.name} AS SELECT * FROM ${table.name}_all ` +
        `QUALIFY row_number() OVER (PARTITION BY ${table.uniqueKey.join(', ')} ORDER BY processed_at DESC) = 1`,
    );
  }
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
