/** One upload as a user makes it: three corpus GIFs, then a manifest naming them and one bad line. */
import { readFileSync } from 'node:fs';
import { corpusPath } from './corpus.ts';
import { PUBSUB_PUBLISHED, STORAGE_FINALIZED } from './cloudevents.ts';
import type { GcsStandIn } from '../../scripts/lib/gcs-standin.ts';

export const SCENARIO_GIFS = ['Zulko__moviepy__circle.gif', 'Zulko__moviepy__pigs_in_a_polka.gif', 'bumptech__glide__transparent_disposal_background.gif'];
/** The manifest's one bad line: an id with a space, rejected with INVALID_ID. */
export const SCENARIO_BAD_LINE = 'has space: a bad id';
/** One record per GIF, and one for the rejected line. */
export const SCENARIO_RECORDS = SCENARIO_GIFS.length + 1;

export interface UploadedObject {
  bucket: string;
  name: string;
  generation: string;
}

export function uploadScenario(gcs: GcsStandIn, bucket: string, prefix = 'batch'): UploadedObject {
  for (const gif of SCENARIO_GIFS) gcs.put(bucket, `${prefix}/${gif}`, readFileSync(corpusPath('gifs', gif)), 'image/gif');
  const lines = [...SCENARIO_GIFS.map((g) => `${g.replace('.gif', '')}: ${g}`), SCENARIO_BAD_LINE];
  const name = `${prefix}/manifest.txt`;
  const { generation } = gcs.put(bucket, name, Buffer.from(`${lines.join('\n')}\n`), 'text/plain');
  return { bucket, name, generation };
}

/** The storage event Eventarc delivers for an upload. */
export function finalizedEvent(object: UploadedObject) {
  return {
    id: `storage-${object.generation}`,
    type: STORAGE_FINALIZED,
    source: `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
    subject: `objects/${object.name}`,
    data: { bucket: object.bucket, name: object.name, generation: object.generation, contentType: 'text/plain' },
  };
}

/** Cloud Scheduler's tick, as Eventarc delivers it from the compaction topic. */
export function compactTick(id: string) {
  return { id, type: PUBSUB_PUBLISHED, source: '//pubsub.googleapis.com/projects/p/topics/compact-ticks', data: { message: { data: Buffer.from('{}').toString('base64'), messageId: id } } };
}
