/**
 * At-least-once delivery on the cloud adapters: the storage event three times,
 * each Pub/Sub message three times (through the emulator), compaction twice:
 * exactly one row per (gif_id, source_generation) in BigQuery.
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
  it('keeps one row per (gif_id, source_generation)', async () => {
    const store = new GcsStore(peers.storage);
    for (const gif of ['Zulko__moviepy__circle.gif', 'bumptech__glide__test.gif']) peers.gcs.put('redeliver-in', `b/${gif}`, readFileSync(corpusPath('gifs', gif)), 'image/gif');
    const manifest = peers.gcs.put('redeliver-in', 'b/manifest.txt', Buffer.from('Zulko__moviepy__circle: circle\nbumptech__glide__test: test\n'), 'text/plain');
    const topicName = `redeliver-${Date.now().toString(36)}`;
    const [topic] = await peers.pubsub.createTopic(topicName);
    const [subscription] = await topic.createSubscription(`${topicName}-sub`, { ackDeadlineSeconds: 60 });
    const received: Message[] = [];
    subscription.on('message', (m: Message) => {
      received.push(m);
      m.ack();
    });

    const publisher = new PubSubPublisher(peers.pubsub, topicName);
    const event = { bucket: 'redeliver-in', name: 'b/manifest.txt', generation: manifest.generation };
    for (let i = 0; i < 3; i++) await fanOut(event, { store, publisher, outputBucket: 'redeliver-out' });
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
    expect(await warehouse.query('SELECT gif_id, count(*) AS n FROM redelivery.gifs_all GROUP BY gif_id ORDER BY gif_id')).toEqual([
      { gif_id: 'Zulko__moviepy__circle', n: 1 },
      { gif_id: 'bumptech__glide__test', n: 1 },
    ]);
    expect(peers.bq.loadJobs.filter((j) => j.configuration.load!.destinationTable.datasetId === 'redelivery')).toHaveLength(2);
  });
});
