/** One upload as a user makes it: three corpus GIFs and a manifest naming them, with one bad line. */
import { readFileSync } from 'node:fs';
import { corpusPath } from './corpus.ts';
import { PUBSUB_PUBLISHED, STORAGE_FINALIZED } from './cloudevents.ts';
import type { GcsStandIn } from '../../scripts/lib/gcs-standin.ts';

export const SCENARIO_GIFS = ['Zulko__moviepy__circle.gif', 'Zulko__moviepy__pigs_in_a_polka.gif', 'bumptech__glide__transparent_disposal_background.gif'];
/** The manifest's one bad line: an id with a space, rejected with INVALID_ID. */
export const SCENARIO_BAD_LINE = 'has space: a bad id';
/** What the scenario leaves in the inbox: a record per GIF, one for the rejected line, and one chunk of manifest entries. */
export const SCENARIO_INBOX = SCENARIO_GIFS.length + 2;

export interface UploadedObject {
  bucket: string;
  name: string;
  generation: string;
  size: number;
}

export interface Scenario {
  media: UploadedObject[];
  manifest: UploadedObject;
  /** Every upload, media first, as `gcloud storage cp` of the folder sends them. */
  uploads: UploadedObject[];
}

export function scenarioManifest(prefix = 'batch'): { name: string; bytes: Buffer } {
  const lines = [...SCENARIO_GIFS.map((g) => `${g.replace('.gif', '')}: ${g}`), SCENARIO_BAD_LINE];
  return { name: `${prefix}/manifest.txt`, bytes: Buffer.from(`${lines.join('\n')}\n`) };
}

export function uploadScenario(gcs: GcsStandIn, bucket: string, prefix = 'batch'): Scenario {
  const put = (name: string, bytes: Buffer, type: string): UploadedObject => ({ bucket, name, generation: gcs.put(bucket, name, bytes, type).generation, size: bytes.length });
  const media = SCENARIO_GIFS.map((gif) => put(`${prefix}/${gif}`, readFileSync(corpusPath('gifs', gif)), 'image/gif'));
  const { name, bytes } = scenarioManifest(prefix);
  const manifest = put(name, bytes, 'text/plain');
  return { media, manifest, uploads: [...media, manifest] };
}

/** The storage event Eventarc delivers for an upload. */
export function finalizedEvent(object: UploadedObject) {
  return {
    id: `storage-${object.generation}`,
    type: STORAGE_FINALIZED,
    source: `//storage.googleapis.com/projects/_/buckets/${object.bucket}`,
    subject: `objects/${object.name}`,
    data: { bucket: object.bucket, name: object.name, generation: object.generation, size: String(object.size) },
  };
}

/** Cloud Scheduler's tick, as Eventarc delivers it from the compaction topic. */
export function compactTick(id: string) {
  return { id, type: PUBSUB_PUBLISHED, source: '//pubsub.googleapis.com/projects/p/topics/compact-ticks', data: { message: { data: Buffer.from('{}').toString('base64'), messageId: id } } };
}
