/**
 * At-least-once delivery on the cloud adapters: the storage event three times,
 * each Pub/Sub message three times (through the emulator), compaction twice:
 * exactly one row per file in BigQuery, with its manifest's id and description.
 */
import { readFileSync } from 'node:fs';
import type { Message } from '@google-cloud/pubsub';
import { describe, expect, it } from 'vitest';
import { BigQueryWarehouse } from '../../shared/adapters/gcp/bigquery-warehouse.ts';
import { GcsStore } from '../../shared/adapters/gcp/gcs-store.ts';
import { PubSubPublisher } from '../../shared/adapters/gcp/pubsub-publisher.ts';
import { compact } from '../../shared/pipeline/compact.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import { useCloudPeers } from '../support/cloud.ts';
import { corpusPath } from '../support/corpus.ts';
import { waitFor } from '../support/wait.ts';

const peers = useCloudPeers();

describe('redelivery on the cloud adapters', () => {
  it('keeps one row per file', async () => {
    const store = new GcsStore(peers.storage);
    const uploads = ['Zulko__moviepy__circle.gif', 'bumptech__glide__test.gif'].map((gif) => {
      const bytes = readFileSync(corpusPath('gifs', gif));
      return { bucket: 'redeliver-in', name: `b/${gif}`, generation: peers.gcs.put('redeliver-in', `b/${gif}`, bytes, 'image/gif').generation, size: bytes.length };
    });
    const manifest = peers.gcs.put('redeliver-in', 'b/manifest.txt', Buffer.from('Zulko__moviepy__circle: circle\nbumptech__glide__test: test\n'), 'text/plain');
    uploads.push({ bucket: 'redeliver-in', name: 'b/manifest.txt', generation: manifest.generation, size: manifest.data.length });
    const topicName = `redeliver-${Date.now().toString(36)}`;
    const [topic] = await peers.pubsub.createTopic(topicName);
    const [subscription] = await topic.createSubscription(`${topicName}-sub`, { ackDeadlineSeconds: 60 });
    const received: Message[] = [];
    subscription.on('message', (m: Message) => {
      received.push(m);
      m.ack();
    });

    const publisher = new PubSubPublisher(peers.pubsub, topicName);
    for (let i = 0; i < 3; i++) for (const event of uploads) await fanOut(event, { store, publisher, outputBucket: 'redeliver-out' });
    await waitFor('six messages', async () => received.length >= 6, 30_000);
    await subscription.close();

    for (const m of received) {
      const envelope = { message: { data: m.data.toString('base64'), attributes: m.attributes, messageId: m.id } };
      for (let i = 0; i < 3; i++) await extractStep(envelope, { store, outputBucket: 'redeliver-out' });
    }
    const warehouse = new BigQueryWarehouse(peers.bigquery, 'redelivery');
    await warehouse.ensureTables();
    await compact({ store, warehouse, outputBucket: 'redeliver-out' });
    await compact({ store, warehouse, outputBucket: 'redeliver-out' });
    expect(await warehouse.query('SELECT source_uri, count(*) AS n FROM redelivery.gifs_all GROUP BY source_uri ORDER BY source_uri')).toEqual([
      { source_uri: 'gs://redeliver-in/b/Zulko__moviepy__circle.gif', n: 1 },
      { source_uri: 'gs://redeliver-in/b/bumptech__glide__test.gif', n: 1 },
    ]);
    expect(await warehouse.query('SELECT gif_id, description FROM redelivery.gifs ORDER BY gif_id')).toEqual([
      { gif_id: 'Zulko__moviepy__circle', description: 'circle' },
      { gif_id: 'bumptech__glide__test', description: 'test' },
    ]);
    // The second compaction found nothing to load: every job is the first one's, one per table and inbox shard.
    const jobs = peers.bq.loadJobs.filter((j) => j.configuration.load!.destinationTable.datasetId === 'redelivery');
    expect([...new Set(jobs.map((j) => j.configuration.load!.destinationTable.tableId))].sort()).toEqual(['gifs_all', 'key_frames_all', 'manifest_entries_all']);
    expect(new Set(jobs.map((j) => j.configuration.labels!.framesift_run)).size).toBeLessThanOrEqual(3);
  });
});
