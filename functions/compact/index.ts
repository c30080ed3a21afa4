/** compact: on Cloud Scheduler's tick (through Pub/Sub), records become Parquet and one load job per table. */
import * as functions from '@google-cloud/functions-framework';
import { compact } from '../../shared/pipeline/compact.ts';
import { log } from '../log.ts';
import { runtime } from '../runtime.ts';

functions.cloudEvent('compact', async (event: functions.CloudEvent<unknown>) => {
  const { config, store, warehouse } = runtime();
  const result = await compact({ store, warehouse, outputBucket: config.outputBucket });
  log('INFO', 'compaction finished', { eventId: event.id, runId: result.runId, records: result.records, rows: result.rows });
});
