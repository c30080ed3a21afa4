/**
 * Fan-out: an upload to the ingest bucket becomes one extraction request per
 * file. A manifest is parsed as a stream; a single GIF or video is a manifest
 * of one whose id is its file name. Rejected lines become records; nothing is
 * dropped in silence and no bad line fails the manifest.
 */
import { posix } from 'node:path';
import { sniffBytes } from '../media/sniff.ts';
import type { ExtractRequest, SelectorChoice, StorageObjectData } from './events.ts';
import { encodeRequest } from './events.ts';
import { hasMediaExtension, hash53, isSafeId } from './ids.ts';
import { rejectedRecordName } from './layout.ts';
import { RejectionCode, parseManifest, type ManifestRejection } from './manifest.ts';
import { uriOf, type ObjectRef, type ObjectStore, type Publisher } from './ports.ts';
import { rejectedLineRecord } from './records.ts';

export interface FanOutDeps {
  store: ObjectStore;
  publisher: Publisher;
  outputBucket: string;
  /** Buckets besides the ingest bucket that manifests may name with gs:// URIs. */
  allowedBuckets?: ReadonlySet<string>;
  selector?: SelectorChoice;
  now?: () => Date;
}

export interface FanOutResult {
  batchId: string;
  published: number;
  rejected: number;
  ignored?: string;
}

const HEAD_BYTES = 16;

export async function fanOut(event: StorageObjectData, deps: FanOutDeps): Promise<FanOutResult> {
  const object: ObjectRef = { bucket: event.bucket, name: event.name };
  const generation = String(event.generation);
  const batchId = batchIdOf(object, generation);
  // Outputs never go to the ingest bucket, but a misconfigured trigger must still not loop.
  if (event.bucket === deps.outputBucket) return { batchId, published: 0, rejected: 0, ignored: 'event from the output bucket' };
  if (event.name.endsWith('/')) return { batchId, published: 0, rejected: 0, ignored: 'folder placeholder' };

  const head = await readHead(deps.store, object);
  let published = 0;
  let rejected = 0;
  const publish = async (request: ExtractRequest) => {
    const { data, attributes } = encodeRequest(request);
    await deps.publisher.publish(data, attributes);
    published++;
  };
  const reject = async (rejection: ManifestRejection, manifestUri: string | null) => {
    await writeRejection(deps, batchId, rejection, manifestUri);
    rejected++;
  };

  // Media is told by its bytes; a file named like media that is not (empty, corrupt) still gets a failed record.
  if (isMedia(head) || hasMediaExtension(object.name)) {
    const gifId = posix.basename(object.name);
    if (isSafeId(gifId)) {
      await publish({ gifId, batchId, source: { ...object, generation }, description: null, manifest: null, selector: deps.selector });
    } else {
      await reject({ kind: 'rejected', line: 1, rawId: gifId, code: RejectionCode.INVALID_ID, reason: 'Expected a file name of 1–128 characters from A–Z a–z 0–9 . _ -' }, null);
    }
  } else {
    const manifestUri = uriOf(object);
    const items = parseManifest(deps.store.createReadStream(object), { manifest: object, allowedBuckets: deps.allowedBuckets });
    for await (const item of items) {
      if (item.kind === 'rejected') await reject(item, manifestUri);
      else {
        await publish({
          gifId: item.gifId,
          batchId,
          source: item.source,
          description: item.description,
          manifest: { uri: manifestUri, line: item.line },
          selector: deps.selector,
        });
      }
    }
  }
  await deps.publisher.flush();
  return { batchId, published, rejected };
}

/** Deterministic, so a redelivered upload event names the same batch and the same rejection records. */
export function batchIdOf(object: ObjectRef, generation: string): string {
  const stem = posix.basename(object.name).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  return `${stem}-${generation}-${hash53(`${object.bucket}/${object.name}`).toString(36)}`;
}

async function readHead(store: ObjectStore, object: ObjectRef): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  const stream = store.createReadStream(object);
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    length += (chunk as Buffer).length;
    if (length >= HEAD_BYTES) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

function isMedia(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  try {
    sniffBytes(head, head.length);
    return true;
  } catch {
    return false;
  }
}

async function writeRejection(deps: FanOutDeps, batchId: string, rejection: ManifestRejection, manifestUri: string | null): Promise<void> {
  const record = rejectedLineRecord({ batchId, ...rejection }, manifestUri, deps.now?.());
  await deps.store.writeIfAbsent({ bucket: deps.outputBucket, name: rejectedRecordName(batchId, rejection.line) }, JSON.stringify(record), 'application/json');
}
