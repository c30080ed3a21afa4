/**
 * The cloud path end to end on one machine: the three functions as real
 * functions-framework servers, a storage event posted as Eventarc does,
 * Pub/Sub (the emulator) pushing to extract, compaction loading BigQuery (the
 * stand-in) from Cloud Storage (the stand-in).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { PROJECT, useCloudPeers } from '../support/cloud.ts';
import { postCloudEvent } from '../support/cloudevents.ts';
import { startFunctionServer, type FunctionServer } from '../support/functions-server.ts';
import { SCENARIO_GIFS as GIFS, compactTick, finalizedEvent, uploadScenario, type UploadedObject } from '../support/upload-scenario.ts';
import { waitFor } from '../support/wait.ts';

const peers = useCloudPeers();
const TOPIC = `extract-requests-e2e-${Date.now().toString(36)}`;
const DATASET = 'framesift_e2e';

describe('the cloud path on one machine', () => {
  const servers: Record<string, FunctionServer> = {};
  let manifest: UploadedObject;
  let warehouse: BigQueryWarehouse;
  const records = () => [...(peers.gcs.buckets.get('e2e-output')?.keys() ?? [])].filter((n) => n.startsWith('records/'));

  const finalize = () => postCloudEvent(servers.fanout!.url, finalizedEvent(manifest));
  const tick = (id: string) => postCloudEvent(servers.compact!.url, compactTick(id));

  beforeAll(async () => {
    const env = {
      FRAMESIFT_BACKEND: 'gcp',
      STORAGE_EMULATOR_HOST: peers.gcs.url,
      PUBSUB_EMULATOR_HOST: peers.emulatorHost,
      BIGQUERY_EMULATOR_HOST: peers.bq.url,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      FRAMESIFT_OUTPUT_BUCKET: 'e2e-output',
      FRAMESIFT_TOPIC: TOPIC,
      FRAMESIFT_DATASET: DATASET,
    };
    const names = ['fanout', 'extract', 'compact'];
    const started = await Promise.all(names.map((name) => startFunctionServer(name, env)));
    names.forEach((name, i) => (servers[name] = started[i]!));
    const [topic] = await peers.pubsub.createTopic(TOPIC);
    await topic.createSubscription(`${TOPIC}-push`, { pushConfig: { pushEndpoint: `${servers.extract!.url}projects/${PROJECT}/topics/${TOPIC}` }, ackDeadlineSeconds: 60 });
    warehouse = new BigQueryWarehouse(peers.bigquery, DATASET);
    await warehouse.ensureTables();

    manifest = uploadScenario(peers.gcs, 'e2e-ingest');
  });
  afterAll(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });

  it('goes from one storage event to rows in BigQuery with one load job per table', async () => {
    expect((await finalize()).status).toBe(204);
    await waitFor('four records', async () => records().length === GIFS.length + 1);
    expect((await tick('tick-1')).status).toBe(204);

    const loads = peers.bq.loadJobs;
    expect(loads).toHaveLength(2);
    const tables = loads.map((j) => j.configuration.load!.destinationTable.tableId).sort();
    expect(tables).toEqual(['gifs_all', 'key_frames_all']);
    for (const job of loads) {
      const load = job.configuration.load!;
      expect(load).toMatchObject({ sourceFormat: 'PARQUET', writeDisposition: 'WRITE_APPEND', schemaUpdateOptions: ['ALLOW_FIELD_ADDITION'] });
      expect(load.sourceUris).toHaveLength(1);
      const table = load.destinationTable.tableId.replace('_all', '');
      expect(load.sourceUris[0]).toMatch(new RegExp(`^gs://e2e-output/parquet/${table}/dt=\\d{4}-\\d{2}-\\d{2}/[\\w-]+\\.parquet$`));
      expect(peers.gcs.object('e2e-output', load.sourceUris[0]!.replace('gs://e2e-output/', ''))).toBeDefined();
      expect(job.configuration.labels).toMatchObject({ framesift_table: table });
    }
  });

  it('puts the right rows in the Parquet files', async () => {
    const gifs = await warehouse.query(`SELECT gif_id, status, error_code, frame_count, key_frame_count FROM ${DATASET}.gifs ORDER BY gif_id`);
    expect(gifs).toEqual([
      { gif_id: 'Zulko__moviepy__circle', status: 'ok', error_code: null, frame_count: 30, key_frame_count: 3 },
      { gif_id: 'Zulko__moviepy__pigs_in_a_polka', status: 'ok', error_code: null, frame_count: 30, key_frame_count: 3 },
      { gif_id: 'bumptech__glide__transparent_disposal_background', status: 'ok', error_code: null, frame_count: 2, key_frame_count: expect.any(Number) },
      { gif_id: 'has space', status: 'rejected', error_code: 'INVALID_ID', frame_count: null, key_frame_count: null },
    ]);
    const expected = ((await warehouse.query(`SELECT sum(key_frame_count) AS expected FROM ${DATASET}.gifs`)) as Array<{ expected: number }>)[0]!.expected;
    expect(await warehouse.query(`SELECT count(*) AS n FROM ${DATASET}.key_frames`)).toEqual([{ n: expected }]);
  });

  it('changes nothing when the storage event is delivered again', async () => {
    const before = records().length;
    const requestsBefore = peers.gcs.requests.length;
    expect((await finalize()).status).toBe(204);
    // Each redelivered request makes extract look up its record; wait until all four have.
    await waitFor('extract to see the redelivered requests', async () => peers.gcs.requests.slice(requestsBefore).filter((r) => r.method === 'GET' && r.path.includes('/o/records%2F')).length >= GIFS.length);
    expect(records()).toHaveLength(before);
    expect((await tick('tick-2')).status).toBe(204);
    expect(peers.bq.loadJobs).toHaveLength(2);
    expect(await warehouse.query(`SELECT count(*) AS n FROM ${DATASET}.gifs_all`)).toEqual([{ n: GIFS.length + 1 }]);
  });
});
