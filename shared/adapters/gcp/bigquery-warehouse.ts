/**
 * The warehouse on BigQuery (@google-cloud/bigquery 8). Each compaction run
 * loads each table with one PARQUET load job (WRITE_APPEND,
 * ALLOW_FIELD_ADDITION, labelled) into `<table>_all`. Its job id derives from
 * the run and the table, so a retried run cannot load twice: BigQuery answers
 * 409 and the first job's result stands. Reads go through the `<table>` views,
 * which keep one row per key: a view rather than a MERGE, because a view costs
 * nothing per load, cannot fail half-way, and stays right however often a
 * record is loaded; the price is a window function at query time, over
 * partitions and clusters that keep it small.
 */
import type { BigQuery } from '@google-cloud/bigquery';
import type { LoadJob, Warehouse } from '../../pipeline/ports.ts';
import { TABLES, allRowsTableOf, bigQuerySchemaOf, type TableDefinition } from '../../pipeline/tables.ts';
import { bigQueryTarget, viewSql } from '../../pipeline/views.ts';
import { httpStatus, rethrow } from './errors.ts';

export class BigQueryWarehouse implements Warehouse {
  readonly #bigquery: BigQuery;
  readonly #datasetId: string;
  readonly #location: string | undefined;

  constructor(bigquery: BigQuery, datasetId: string, options: { location?: string } = {}) {
    this.#bigquery = bigquery;
    this.#datasetId = datasetId;
    this.#location = options.location;
  }

  #definition(table: string): TableDefinition {
    const definition = (TABLES as Record<string, TableDefinition>)[table];
    if (!definition) throw new RangeError(`Expected a table of ${Object.keys(TABLES).join(', ')} but found ${table}`);
    return definition;
  }

  async load(table: string, uris: string[], job: LoadJob): Promise<void> {
    const definition = this.#definition(table);
    const jobId = `framesift_${job.runId}_${table}`.replace(/[^A-Za-z0-9_-]/g, '_');
    try {
      const [loadJob] = await this.#bigquery.createJob({
        jobId,
        location: this.#location,
        configuration: {
          labels: job.labels,
          load: {
            sourceUris: uris,
            sourceFormat: 'PARQUET',
            writeDisposition: 'WRITE_APPEND',
            schemaUpdateOptions: ['ALLOW_FIELD_ADDITION'],
            destinationTable: { projectId: await this.#bigquery.getProjectId(), datasetId: this.#datasetId, tableId: allRowsTableOf(definition) },
          },
        },
      });
      await loadJob.promise();
    } catch (error) {
      if (httpStatus(error) === 409) {
        // The run was retried: its load job exists. Wait for that one instead.
        await this.#bigquery.job(jobId, { location: this.#location }).promise();
        return;
      }
      rethrow(error, `load ${table}`);
    }
  }

  /** Creates each `<table>_all` (day-partitioned, clustered) and its view, where missing. */
  async ensureTables(): Promise<void> {
    const dataset = this.#bigquery.dataset(this.#datasetId);
    const projectId = await this.#bigquery.getProjectId();
    for (const definition of Object.values(TABLES)) {
      const [exists] = await dataset.table(allRowsTableOf(definition)).exists();
      if (exists) continue;
      await dataset.createTable(allRowsTableOf(definition), {
        schema: bigQuerySchemaOf(definition),
        timePartitioning: { type: 'DAY', field: definition.partitionBy },
        clustering: { fields: [...definition.clusterBy] },
        description: definition.description,
      });
    }
    // Views after every table: gifs and key_frames join manifest_entries_all.
    for (const definition of Object.values(TABLES)) {
      const [exists] = await dataset.table(definition.name).exists();
      if (!exists) await dataset.createTable(definition.name, { view: { query: viewSql(definition, bigQueryTarget(projectId, this.#datasetId)), useLegacySql: false } });
    }
  }

  async query(sql: string): Promise<Array<Record<string, unknown>>> {
    const [rows] = await this.#bigquery.query({ query: sql, useLegacySql: false, location: this.#location, defaultDataset: { datasetId: this.#datasetId } });
    return rows as Array<Record<string, unknown>>;
  }
}
