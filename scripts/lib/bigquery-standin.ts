/**
 * A stand-in for the part of the BigQuery REST API (v2) that
 * @google-cloud/bigquery 8 uses: jobs.insert and jobs.get (PARQUET loads read
 * from the Cloud Storage stand-in, and queries), tables.get and tables.insert
 * (tables and views), and jobs.query / getQueryResults. DuckDB executes the
 * SQL, after the few rewrites between the dialects this project uses. Errors
 * carry real status codes (404, 409, 400) in Google's error envelope. Tests only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { parseUri } from '../../shared/pipeline/ports.ts';
import type { GcsStandIn } from './gcs-standin.ts';
import { readBody, sendError, sendJson } from './gcs-standin.ts';

interface Field {
  name: string;
  type: string;
  mode?: string;
  fields?: Field[];
}

interface TableResource {
  tableReference: { projectId: string; datasetId: string; tableId: string };
  schema?: { fields: Field[] };
  view?: { query: string };
  timePartitioning?: unknown;
  clustering?: unknown;
  type: 'TABLE' | 'VIEW';
}

interface JobResource {
  jobReference: { projectId: string; jobId: string; location?: string };
  configuration: {
    labels?: Record<string, string>;
    load?: { sourceUris: string[]; destinationTable: { datasetId: string; tableId: string }; sourceFormat: string; writeDisposition?: string; schemaUpdateOptions?: string[] };
    query?: { query: string; defaultDataset?: { datasetId: string } };
  };
  status: { state: 'DONE'; errorResult?: { reason: string; message: string } };
  statistics: Record<string, unknown>;
  results?: { schema: { fields: Field[] }; rows: unknown[] };
}

const TYPES: Record<string, string> = { STRING: 'VARCHAR', INTEGER: 'BIGINT', INT64: 'BIGINT', FLOAT: 'DOUBLE', FLOAT64: 'DOUBLE', BOOLEAN: 'BOOLEAN', BOOL: 'BOOLEAN', TIMESTAMP: 'TIMESTAMP' };

export class BigQueryStandIn {
  readonly jobs = new Map<string, JobResource>();
  readonly tables = new Map<string, TableResource>();
  url = '';
  readonly #gcs: GcsStandIn;
  /** Where every dataset here lives. Jobs in a region other than US are found only when asked with it, as in BigQuery. */
  readonly location: string;
  readonly #tmp = mkdtempSync(join(tmpdir(), 'bq-standin-'));
  #db: Promise<DuckDBConnection> = DuckDBInstance.create(':memory:').then((db) => db.connect());
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => sendError(res, 500, String(error), 'backendError'));
  });

  constructor(gcs: GcsStandIn, options: { location?: string } = {}) {
    this.#gcs = gcs;
    this.location = options.location ?? 'US';
  }

  get loadJobs(): JobResource[] {
    return [...this.jobs.values()].filter((job) => job.configuration.load);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    (await this.#db).closeSync();
    rmSync(this.#tmp, { recursive: true, force: true });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://stand-in');
    const path = url.pathname.replace(/^\/bigquery\/v2/, '');
    const body = await readBody(req);
    const json = body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    let m: RegExpExecArray | null;
    if ((m = /^\/projects\/([^/]+)\/jobs$/.exec(path)) && req.method === 'POST') return this.#insertJob(m[1]!, json as unknown as JobResource, res);
    if ((m = /^\/projects\/([^/]+)\/jobs\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const job = this.jobs.get(decodeURIComponent(m[2]!));
      const asked = url.searchParams.get('location') ?? 'US';
      const found = job && (job.jobReference.location ?? 'US').toLowerCase() === asked.toLowerCase();
      return found ? sendJson(res, 200, publicJob(job)) : sendError(res, 404, `Not found: Job ${m[1]}:${m[2]}`, 'notFound');
    }
    if ((m = /^\/projects\/([^/]+)\/queries$/.exec(path)) && req.method === 'POST') {
      const request = json as { query: string; defaultDataset?: { datasetId: string }; formatOptions?: { useInt64Timestamp?: boolean } };
      const job = await this.#runQuery(m[1]!, `standin_query_${this.jobs.size}`, request.query, request.defaultDataset?.datasetId);
      if (job.status.errorResult) return sendError(res, 400, job.status.errorResult.message, 'invalidQuery');
      return sendJson(res, 200, queryResponse(job, request.formatOptions?.useInt64Timestamp ?? false));
    }
    if ((m = /^\/projects\/([^/]+)\/queries\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const job = this.jobs.get(decodeURIComponent(m[2]!));
      const asked = url.searchParams.get('location') ?? 'US';
      if (!job?.results || (job.jobReference.location ?? 'US').toLowerCase() !== asked.toLowerCase()) return sendError(res, 404, `Not found: Job ${m[2]}`, 'notFound');
      return sendJson(res, 200, queryResponse(job, url.searchParams.get('formatOptions.useInt64Timestamp') === 'true'));
    }
    if ((m = /^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const table = this.tables.get(`${m[2]}.${decodeURIComponent(m[3]!)}`);
      return table ? sendJson(res, 200, { kind: 'bigquery#table', ...table }) : sendError(res, 404, `Not found: Table ${m[1]}:${m[2]}.${m[3]}`, 'notFound');
    }
    if ((m = /^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/.exec(path)) && req.method === 'POST') {
      return this.#insertTable(m[1]!, m[2]!, json as unknown as TableResource, res);
    }
    sendError(res, 404, `Not found: ${req.method} ${url.pathname}`, 'notFound');
  }

  async #insertTable(projectId: string, datasetId: string, resource: TableResource, res: ServerResponse): Promise<void> {
    const tableId = resource.tableReference.tableId;
    const key = `${datasetId}.${tableId}`;
    if (this.tables.has(key)) return sendError(res, 409, `Already Exists: Table ${projectId}:${key}`, 'duplicate');
    const db = await this.#db;
    await db.run(`CREATE SCHEMA IF NOT EXISTS "${datasetId}"`);
    if (resource.view) {
      await db.run(`CREATE VIEW "${datasetId}"."${tableId}" AS ${toDuckDb(resource.view.query)}`);
    } else {
      const columns = (resource.schema?.fields ?? []).map(
        (f) => `"${f.name}" ${TYPES[f.type]}${f.mode === 'REPEATED' ? '[]' : ''}${f.mode === 'REQUIRED' ? ' NOT NULL' : ''}`,
      );
      await db.run(`CREATE TABLE "${datasetId}"."${tableId}" (${columns.join(', ')})`);
    }
    const table: TableResource = { ...resource, tableReference: { projectId, datasetId, tableId }, type: resource.view ? 'VIEW' : 'TABLE' };
    this.tables.set(key, table);
    sendJson(res, 200, { kind: 'bigquery#table', ...table });
  }

  async #insertJob(projectId: string, resource: JobResource, res: ServerResponse): Promise<void> {
    const jobId = resource.jobReference?.jobId ?? `standin_job_${this.jobs.size}`;
    const asked = resource.jobReference?.location;
    if (asked && asked.toLowerCase() !== this.location.toLowerCase()) {
      return sendError(res, 404, `Not found: Dataset was not found in location ${asked}`, 'notFound');
    }
    if (this.jobs.has(jobId)) return sendError(res, 409, `Already Exists: Job ${projectId}:${jobId}`, 'duplicate');
    const query = resource.configuration.query;
    if (query) {
      const job = await this.#runQuery(projectId, jobId, query.query, query.defaultDataset?.datasetId);
      return sendJson(res, 200, publicJob(job));
    }
    const load = resource.configuration.load;
    if (!load) return sendError(res, 400, 'Only load and query jobs are supported', 'invalid');
    // A job without a location runs where its dataset is, and says so in its reference.
    const job: JobResource = { ...resource, jobReference: { projectId, jobId, location: this.location }, status: { state: 'DONE' }, statistics: {} };
    const table = this.tables.get(`${load.destinationTable.datasetId}.${load.destinationTable.tableId}`);
    if (!table) {
      job.status.errorResult = { reason: 'notFound', message: `Not found: Table ${load.destinationTable.datasetId}.${load.destinationTable.tableId}` };
    } else if (load.sourceFormat !== 'PARQUET') {
      job.status.errorResult = { reason: 'invalid', message: `Expected sourceFormat PARQUET but found ${load.sourceFormat}` };
    } else {
      try {
        let rows = 0;
        for (const uri of load.sourceUris) {
          const { bucket, name } = parseUri(uri) ?? { bucket: '', name: '' };
          const object = this.#gcs.object(bucket, name);
          if (!object) throw new Error(`Not found: URI ${uri}`);
          const file = join(this.#tmp, `${jobId}-${rows}.parquet`);
          writeFileSync(file, object.data);
          const db = await this.#db;
          const before = Number((await db.runAndReadAll(`SELECT count(*) FROM "${table.tableReference.datasetId}"."${table.tableReference.tableId}"`)).getRows()[0]![0]);
          await db.run(`INSERT INTO "${table.tableReference.datasetId}"."${table.tableReference.tableId}" BY NAME SELECT * FROM read_parquet('${file}')`);
          const after = Number((await db.runAndReadAll(`SELECT count(*) FROM "${table.tableReference.datasetId}"."${table.tableReference.tableId}"`)).getRows()[0]![0]);
          rows += after - before;
        }
        job.statistics = { load: { outputRows: String(rows), inputFiles: String(load.sourceUris.length) } };
      } catch (error) {
        job.status.errorResult = { reason: 'invalid', message: String(error) };
      }
    }
    this.jobs.set(jobId, job);
    sendJson(res, 200, publicJob(job));
  }

  async #runQuery(projectId: string, jobId: string, sql: string, defaultDataset: string | undefined): Promise<JobResource> {
    const job: JobResource = { jobReference: { projectId, jobId, location: this.location }, configuration: { query: { query: sql } }, status: { state: 'DONE' }, statistics: {} };
    try {
      const db = await this.#db;
      if (defaultDataset) await db.run(`SET schema = '${defaultDataset}'`);
      const reader = await db.runAndReadAll(toDuckDb(sql));
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => String(t));
      const fields = names.map((name, i) => fieldOf(name, types[i]!));
      job.results = { schema: { fields }, rows: reader.getRowsJS().map((row) => ({ f: row.map((v, i) => cell(v, fields[i]!)) })) };
    } catch (error) {
      job.status.errorResult = { reason: 'invalidQuery', message: String(error) };
    }
    this.jobs.set(jobId, job);
    return job;
  }
}

/** BigQuery SQL → DuckDB SQL, for the constructs this project's SQL uses. */
export function toDuckDb(sql: string): string {
  return sql
    .replace(/`([^`]+)`/g, (_, name: string) => name.split('.').slice(-2).map((part) => `"${part}"`).join('.'))
    .replace(/\*\s+EXCEPT\s*\(/gi, '* EXCLUDE (')
    .replace(/CAST\(NULL AS (ARRAY<)?(STRING|INT64|FLOAT64|BOOL|TIMESTAMP)>?\)/g, (_, array: string | undefined, type: string) => `CAST(NULL AS ${DUCKDB_TYPES[type]}${array ? '[]' : ''})`);
}

const DUCKDB_TYPES: Record<string, string> = { STRING: 'VARCHAR', INT64: 'BIGINT', FLOAT64: 'DOUBLE', BOOL: 'BOOLEAN', TIMESTAMP: 'TIMESTAMP' };

function fieldOf(name: string, duckType: string): Field {
  const repeated = duckType.endsWith('[]');
  const base = repeated ? duckType.slice(0, -2) : duckType;
  const type = /INT/i.test(base) ? 'INTEGER' : /DOUBLE|FLOAT|DECIMAL/i.test(base) ? 'FLOAT' : /BOOL/i.test(base) ? 'BOOLEAN' : /TIMESTAMP/i.test(base) ? 'TIMESTAMP' : 'STRING';
  return { name, type, mode: repeated ? 'REPEATED' : 'NULLABLE' };
}

function scalar(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (type === 'TIMESTAMP' && value instanceof Date) return String(value.getTime() * 1000);
  return String(value);
}

function cell(value: unknown, field: Field): { v: unknown } {
  if (field.mode === 'REPEATED') return { v: ((value as unknown[]) ?? []).map((item) => ({ v: scalar(item, field.type) })) };
  return { v: scalar(value, field.type) };
}

function queryResponse(job: JobResource, int64Timestamps: boolean) {
  // Timestamps are kept as int64 microseconds; as float seconds when the client did not ask for int64.
  const rows = int64Timestamps
    ? job.results!.rows
    : (job.results!.rows as Array<{ f: Array<{ v: unknown }> }>).map((row) => ({
        f: row.f.map((c, i) => (job.results!.schema.fields[i]!.type === 'TIMESTAMP' && typeof c.v === 'string' ? { v: String(Number(c.v) / 1e6) } : c)),
      }));
  return { kind: 'bigquery#queryResponse', jobReference: job.jobReference, jobComplete: true, schema: job.results!.schema, rows, totalRows: String(rows.length) };
}

function publicJob(job: JobResource) {
  const { results: _results, ...rest } = job;
  return { kind: 'bigquery#job', id: `${job.jobReference.projectId}:${job.jobReference.jobId}`, ...rest };
}
