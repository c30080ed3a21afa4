/** The cloud peers a test can have here: REST stand-ins for Cloud Storage and BigQuery, the real Pub/Sub emulator. */
import type { BigQuery } from '@google-cloud/bigquery';
import { PubSub } from '@google-cloud/pubsub';
import { Storage } from '@google-cloud/storage';
import { afterAll, beforeAll } from 'vitest';
import { bigQueryClient } from '../../functions/backends/bigquery-client.ts';
import { BigQueryStandIn } from '../../scripts/lib/bigquery-standin.ts';
import { usePubSubEmulator } from './emulator.ts';
import { GcsStandIn } from '../../scripts/lib/gcs-standin.ts';

export const PROJECT = 'framesift-test';

export interface CloudPeers {
  gcs: GcsStandIn;
  bq: BigQueryStandIn;
  storage: Storage;
  bigquery: BigQuery;
  pubsub: PubSub;
  emulatorHost: string;
}

/** Starts the stand-ins before this file's tests and stops them after; the emulator is the run's. */
export function useCloudPeers(options: { bigQueryLocation?: string; project?: string } = {}): CloudPeers {
  const peers = {} as CloudPeers;
  const project = options.project ?? PROJECT;
  beforeAll(async () => {
    peers.emulatorHost = usePubSubEmulator();
    peers.gcs = await new GcsStandIn().start();
    peers.bq = await new BigQueryStandIn(peers.gcs, { location: options.bigQueryLocation }).start();
    peers.storage = new Storage({ apiEndpoint: peers.gcs.url, projectId: project });
    peers.bigquery = bigQueryClient({ BIGQUERY_EMULATOR_HOST: peers.bq.url, GOOGLE_CLOUD_PROJECT: project });
    peers.pubsub = new PubSub({ projectId: project });
  });
  afterAll(async () => {
    await peers.pubsub?.close();
    await peers.bq?.stop();
    await peers.gcs?.stop();
  });
  return peers;
}
