/**
 * Fan-out throughput: a 100,000-line manifest published to the real Pub/Sub
 * emulator. Its lines name files in another bucket, which send no upload
 * events, so every line is published (and recorded as a manifest entry).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { PubSubPublisher } from '../../shared/adapters/gcp/pubsub-publisher.ts';
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import { fanOut } from '../../shared/pipeline/fan-out.ts';
import type { Publisher } from '../../shared/pipeline/ports.ts';
import { startPubSubEmulator } from '../lib/pubsub-emulator.ts';

export async function benchFanOut(lines = 100_000) {
  const emulator = await startPubSubEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'framesift-bench-fanout-'));
  const previousHost = process.env.PUBSUB_EMULATOR_HOST;
  process.env.PUBSUB_EMULATOR_HOST = emulator.host;
  // Not on Google Compute Engine: keep the client from probing for its metadata server.
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const pubsub = new PubSub({ projectId: 'framesift-bench' });
  try {
    const file = join(dir, 'manifest.jsonl');
    writeFileSync(file, Array.from({ length: lines }, (_, i) => `${JSON.stringify({ gif_id: `gif_${i}`, description: `clip ${i}`, uri: `gs://archive/clips/${i}.gif` })}\n`).join(''));
    const store = new FolderStore(join(dir, 'buckets'));
    const manifest = await store.upload(file, { bucket: 'ingest', name: 'bench/manifest.jsonl' });
    const [topic] = await pubsub.createTopic('extract-requests');
    await topic.createSubscription('extract-requests-sub');
    const run = async (publisher: Publisher, outputBucket: string) => {
      const started = process.hrtime.bigint();
      const result = await fanOut({ bucket: 'ingest', name: manifest.name, generation: manifest.generation }, { store, publisher, outputBucket, allowedBuckets: new Set(['archive']) });
      return { published: result.published, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    };
    // The same fan-out into a publisher that sends nothing: what fan-out itself can do, without the emulator.
    const alone = await run({ publish: async () => undefined, flush: async () => undefined }, 'output-alone');
    const emulated = await run(new PubSubPublisher(pubsub, 'extract-requests'), 'output');
    return { lines, ...emulated, perSecond: emulated.published / emulated.seconds, alonePerSecond: alone.published / alone.seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  } finally {
    await pubsub.close();
    if (previousHost === undefined) delete process.env.PUBSUB_EMULATOR_HOST;
    else process.env.PUBSUB_EMULATOR_HOST = previousHost;
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
