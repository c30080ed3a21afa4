/**
 * A regional dataset's jobs are found only when asked with the dataset's
 * location. The warehouse's answer to a retried run (409, then wait for the
 * first job) must carry it, or the retry fails with a 404.
 */
import { describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { useCloudPeers } from '../support/cloud.ts';
import { failedRecord, inboxNameOf } from '../support/records.ts';

const peers = useCloudPeers({ bigQueryLocation: 'europe-west1' });

describe('BigQuery jobs in a regional dataset', () => {
  /** One compaction, then its load again under the same run id: what a run retried after its load does. */
  const compactThenRetry = async (warehouse: BigQueryWarehouse, bucket: string) => {
    const store = new GcsStore(peers.storage);
    await warehouse.ensureTables();
    const record = failedRecord('a');
    await store.writeIfAbsent({ bucket, name: inboxNameOf(record) }, JSON.stringify(record), 'application/json');
    const { runIds: [runId] } = await compact({ store, warehouse, outputBucket: bucket });
    const first = peers.bq.loadJobs.find((job) => job.jobReference.jobId === `framesift_${runId}_gifs`)!;
    expect(first.jobReference.location).toBe('europe-west1');
    await warehouse.load('gifs', first.configuration.load!.sourceUris, { runId: runId!, labels: {} });
  };

  it('finds the first job of a retried run when the warehouse knows the location', async () => {
    await compactThenRetry(new BigQueryWarehouse(peers.bigquery, 'regional_a', { location: 'europe-west1' }), 'location-a');
  });

  it('gets a 404 for that job without the location, which is why the functions pass FRAMESIFT_DATASET_LOCATION', async () => {
    await expect(compactThenRetry(new BigQueryWarehouse(peers.bigquery, 'regional_b'), 'location-b')).rejects.toThrow(/Not found: Job/);
  });
});
