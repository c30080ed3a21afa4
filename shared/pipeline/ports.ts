/**
 * The small interfaces the pipeline runs on. Each has a local implementation
 * (folders, an in-process queue, DuckDB) and a cloud one (Cloud Storage,
 * Pub/Sub, BigQuery); the steps see only these.
 */
import type { Readable } from 'node:stream';
import { CodedError } from '../errors.ts';

export interface ObjectRef {
  bucket: string;
  name: string;
}

export interface ObjectInfo extends ObjectRef {
  /** Changes on every write of the object; with the name, it identifies one upload. */
  generation: string;
  size: number;
}

export interface ObjectStore {
  /** The object's metadata, or null when it does not exist. */
  stat(ref: ObjectRef): Promise<ObjectInfo | null>;
  read(ref: ObjectRef): Promise<Buffer>;
  createReadStream(ref: ObjectRef): Readable;
  /** Streams the object into a local file. */
  download(ref: ObjectRef, path: string): Promise<void>;
  /**
   * Writes only if no object has that name (`ifGenerationMatch: 0`). Returns
   * false when one already did: for derived outputs that means "already done".
   */
  writeIfAbsent(ref: ObjectRef, data: Buffer | string, contentType: string): Promise<boolean>;
  /** Writes the object whether or not one has that name (an index rewritten after each export). */
  replace(ref: ObjectRef, data: Buffer | string, contentType: string): Promise<void>;
  /** Every object under a prefix, in name order, fetched a page at a time. */
  list(bucket: string, prefix: string): AsyncIterable<ObjectInfo>;
  /** Removes the object; one already gone is not an error. */
  delete(ref: ObjectRef): Promise<void>;
}

export interface Publisher {
  /** Queues one message; it may be sent in a batch with others. */
  publish(data: Buffer, attributes: Record<string, string>): Promise<void>;
  /** Resolves once everything published so far has been sent. */
  flush(): Promise<void>;
}

/**
 * Where a file's record waits for compaction. Locally and by default it is an
 * object in the output bucket's inbox; in the cloud it is a Pub/Sub message,
 * which costs a tenth of an object write and needs no read to collect.
 */
export interface RecordInbox {
  /** Resolves once the record is durably queued. `name` is its inbox name (layout.ts), which identifies it. */
  put(name: string, body: string): Promise<void>;
}

/** One record as compaction takes it: `id` names it in this source for as long as it waits. */
export interface InboxItem {
  id: string;
  /** Sorts a batch, so its Parquet does not depend on which read finished first. */
  name: string;
  body: string;
}

/** Where compaction takes records from: one inbox shard in the bucket, or the records subscription. */
export interface InboxSource {
  /** Names the source: it qualifies its items' ids in a merged batch, and a shard's id names its batches' intents. */
  readonly id: string;
  /** Up to `max` waiting items, or fewer when fewer wait. Taken items are not taken again by this run. */
  take(max: number): Promise<InboxItem[]>;
  /**
   * Removes loaded items for good. Returns the ids it could not remove: a
   * subscription can acknowledge only what this process pulled, so a killed
   * run's items come back, and compaction must recognise them.
   */
  settle(ids: readonly string[]): Promise<string[]>;
}

export interface LoadJob {
  runId: string;
  labels: Record<string, string>;
}

export interface Warehouse {
  /** One load of the given Parquet files into a table; rows are de-duplicated on read. */
  load(table: string, uris: string[], job: LoadJob): Promise<void>;
}

/**
 * A failure that may pass on retry (a 503, a timeout, a dropped connection).
 * Steps rethrow these so the queue redelivers; every other failure becomes a record.
 */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/**
 * A failure that no retry will mend (access denied, a bad request), with a
 * code a user can query. Steps record these at the first delivery.
 */
export class PermanentError extends CodedError {
  override readonly name = 'PermanentError';
}

export function isTransient(error: unknown): boolean {
  return error instanceof TransientError;
}

export function uriOf(ref: ObjectRef): string {
  return `gs://${ref.bucket}/${ref.name}`;
}

/** A bucket name as Cloud Storage allows it, then the object's name. */
const GS_URI = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220})\/(.+)$/;

/** The object a `gs://` URI names, or null when the text is not one: the inverse of `uriOf`. */
export function parseUri(uri: string): ObjectRef | null {
  const match = GS_URI.exec(uri);
  return match ? { bucket: match[1]!, name: match[2]! } : null;
}

export function refOf(uri: string): ObjectRef {
  const ref = parseUri(uri);
  if (!ref) throw new RangeError(`Expected a gs://bucket/name URI but found ${uri}`);
  return ref;
}
