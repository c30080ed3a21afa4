/**
 * Fan-out: an upload to the ingest bucket becomes work.
 *
 * - **Media** (by its name's extension, or by its bytes when the name has no
 *   extension) becomes one extraction request, carrying the generation and
 *   size of the event. Every media file is extracted by its own upload, once.
 * - **A manifest** (`manifest*.txt|csv|jsonl|json`, `*.manifest.*`) is parsed as a
 *   stream into chunks of entries for the `manifest_entries` table, which the
 *   views join to the files' rows by URI: a file's id and description arrive
 *   whether the manifest came before the file, after it, or in another upload.
 *   Only entries in other buckets, which send no events here, are published.
 *   Rejected lines become rows; nothing is dropped in silence.
 * - **Anything else** (`README.txt`, `.DS_Store`) is ignored, and said so.
 */
import { posix } from 'node:path';
import { sniffBytes } from '../media/sniff.ts';
import type { ExtractRequest, SelectorChoice, StorageObjectData } from './events.ts';
import { encodeRequest } from './events.ts';
import { hasMediaExtension, hash53, isManifestName, isSafeId } from './ids.ts';
import { fannedOutName, inboxEntriesName, inboxRejectionName } from './layout.ts';
import { RejectionCode, parseManifest, type ManifestEntry, type ManifestRejection } from './manifest.ts';
import { uriOf, type ObjectRef, type ObjectStore, type Publisher } from './ports.ts';
import { rejectedLineRecord, type ManifestEntriesChunk } from './records.ts';

export interface FanOutDeps {
  store: ObjectStore;
  publisher: Publisher;
  outputBucket: string;
  /** Buckets besides the ingest bucket that manifests may name with gs:// URIs. */
  allowedBuckets?: ReadonlySet<string>;
  selector?: SelectorChoice;
  /** Manifest entries per inbox object: a million-line manifest costs 100 writes. */
  entriesPerChunk?: number;
  now?: () => Date;
}

export interface FanOutResult {
  batchId: string;
  published: number;
  rejected: number;
  /** Manifest lines recorded for the views to join. */
  entries: number;
  ignored?: string;
}

const HEAD_BYTES = 16;
export const DEFAULT_ENTRIES_PER_CHUNK = 10_000;

export async function fanOut(event: StorageObjectData, deps: FanOutDeps): Promise<FanOutResult> {
  const object: ObjectRef = { bucket: event.bucket, name: event.name };
  const generation = String(event.generation);
  const batchId = batchIdOf(object, generation);
  const nothing = (ignored: string): FanOutResult => ({ batchId, published: 0, rejected: 0, entries: 0, ignored });
  // Outputs never go to the ingest bucket, but a misconfigured trigger must still not loop.
  if (event.bucket === deps.outputBucket) return nothing('event from the output bucket');
  if (event.name.endsWith('/')) return nothing('folder placeholder');

  const fan = new Fan(deps, batchId);
  if (hasMediaExtension(object.name) || (!hasExtension(object.name) && isMedia(await readHead(deps.store, object)))) {
    await fan.media(object, generation, event.size === undefined ? undefined : Number(event.size));
    await deps.publisher.flush();
  } else if (isManifestName(object.name)) {
    const done = { bucket: deps.outputBucket, name: fannedOutName(batchId) };
    if (await deps.store.stat(done)) return nothing('this manifest was fanned out before');
    await fan.manifest(object);
    // Marked done only once every request is sent: a fan-out cut short is run again in full.
    await deps.publisher.flush();
    await deps.store.writeIfAbsent(done, JSON.stringify(fan.counts()), 'application/json');
  } else {
    return nothing('neither media nor a manifest (manifests are named manifest*.txt|csv|jsonl|json or *.manifest.*)');
  }
  return { batchId, ...fan.counts() };
}

/** One upload's work, counted. */
class Fan {
  published = 0;
  rejected = 0;
  entries = 0;
  readonly #deps: FanOutDeps;
  readonly #batchId: string;

  constructor(deps: FanOutDeps, batchId: string) {
    this.#deps = deps;
    this.#batchId = batchId;
  }

  counts(): Omit<FanOutResult, 'batchId' | 'ignored'> {
    return { published: this.published, rejected: this.rejected, entries: this.entries };
  }

  async media(object: ObjectRef, generation: string, size: number | undefined): Promise<void> {
    const gifId = posix.basename(object.name);
    if (!isSafeId(gifId)) {
      await this.#reject({ kind: 'rejected', line: 1, rawId: gifId, code: RejectionCode.INVALID_ID, reason: 'Expected a file name of 1–128 characters from A–Z a–z 0–9 . _ -' }, null);
      return;
    }
    await this.#publish({ gifId, batchId: this.#batchId, source: { ...object, generation, ...(size !== undefined && { size }) }, description: null, manifest: null, selector: this.#deps.selector });
  }

  async manifest(object: ObjectRef): Promise<void> {
    const manifestUri = uriOf(object);
    const perChunk = this.#deps.entriesPerChunk ?? DEFAULT_ENTRIES_PER_CHUNK;
    let chunk: ManifestEntry[] = [];
    let chunks = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      await this.#writeEntries(manifestUri, chunks++, chunk);
      chunk = [];
    };
    for await (const item of parseManifest(this.#deps.store.createReadStream(object), { manifest: object, allowedBuckets: this.#deps.allowedBuckets })) {
      if (item.kind === 'rejected') {
        await this.#reject(item, manifestUri);
        continue;
      }
      chunk.push(item);
      if (chunk.length >= perChunk) await flush();
      // A file in another bucket sends no event here: the manifest is what asks for it.
      if (item.source.bucket !== object.bucket) {
        await this.#publish({ gifId: item.gifId, batchId: this.#batchId, source: item.source, description: item.description, manifest: { uri: manifestUri, line: item.line }, selector: this.#deps.selector });
      }
    }
    await flush();
  }

  async #publish(request: ExtractRequest): Promise<void> {
    const { data, attributes } = encodeRequest(request);
    await this.#deps.publisher.publish(data, attributes);
    this.published++;
  }

  async #reject(rejection: ManifestRejection, manifestUri: string | null): Promise<void> {
    const record = rejectedLineRecord({ batchId: this.#batchId, ...rejection }, manifestUri, this.#deps.now?.());
    await this.#deps.store.writeIfAbsent({ bucket: this.#deps.outputBucket, name: inboxRejectionName(this.#batchId, rejection.line) }, JSON.stringify(record), 'application/json');
    this.rejected++;
  }

  async #writeEntries(manifestUri: string, index: number, entries: ManifestEntry[]): Promise<void> {
    const chunk: ManifestEntriesChunk = {
      kind: 'manifest_entries',
      batchId: this.#batchId,
      manifestUri,
      processedAt: (this.#deps.now?.() ?? new Date()).toISOString(),
      entries: entries.map((e) => ({ line: e.line, gifId: e.gifId, description: e.description, sourceUri: uriOf(e.source) })),
    };
    // Named by batch and chunk: a redelivered upload event rewrites nothing.
    await this.#deps.store.writeIfAbsent({ bucket: this.#deps.outputBucket, name: inboxEntriesName(this.#batchId, index) }, JSON.stringify(chunk), 'application/json');
    this.entries += entries.length;
  }
}

/** Deterministic, so a redelivered upload event names the same batch and the same rejection records. */
export function batchIdOf(object: ObjectRef, generation: string): string {
  const stem = posix.basename(object.name).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  return `${stem}-${generation}-${hash53(`${object.bucket}/${object.name}`).toString(36)}`;
}

function hasExtension(name: string): boolean {
  return posix.basename(name).includes('.');
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
