/**
 * Manifests, parsed as a stream: a million lines never sit in memory at once.
 * Three formats, told apart by content (not by file name):
 *   - lines: `gif_id: description`, split on the first ": " (a bare id has no description);
 *   - CSV with a header that names gif_id and description, and optionally uri;
 *   - JSON Lines: {"gif_id": …, "description": …, "uri": …}.
 * A bad line becomes a rejection with a stable code, and the rest go on.
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import { hasMediaExtension, hash53, isSafeId } from './ids.ts';
import { parseUri, type ObjectRef } from './ports.ts';
import { RejectionCode } from './records.ts';

export type ManifestFormat = 'lines' | 'csv' | 'jsonl';

export { RejectionCode } from './records.ts';

export interface ManifestEntry {
  kind: 'entry';
  line: number;
  gifId: string;
  description: string | null;
  source: ObjectRef;
}

export interface ManifestRejection {
  kind: 'rejected';
  line: number;
  /** What the line gave as its id, as given (it may be unsafe), or null. */
  rawId: string | null;
  code: RejectionCode;
  reason: string;
}

export type ManifestItem = ManifestEntry | ManifestRejection;

export interface ManifestContext {
  /** Bucket and name of the manifest: names in it resolve against its folder. */
  manifest: ObjectRef;
  /** Buckets other than the manifest's that absolute gs:// URIs may name. */
  allowedBuckets?: ReadonlySet<string>;
}

/** Longest line or record accepted; longer ones are rejected, not buffered without end. */
export const MAX_LINE_BYTES = 64 * 1024;

interface RawItem {
  line: number;
  id: unknown;
  description: unknown;
  uri: unknown;
  error?: string;
}

export async function* parseManifest(input: Readable, context: ManifestContext): AsyncGenerator<ManifestItem> {
  const { format, stream } = await detectFormat(input);
  const seen = new Set<number>();
  const raw = format === 'csv' ? csvItems(stream) : format === 'jsonl' ? jsonItems(stream) : lineItems(stream);
  for await (const item of raw) yield validate(item, context, seen);
}

function validate(item: RawItem, context: ManifestContext, seen: Set<number>): ManifestItem {
  const reject = (code: RejectionCode, reason: string, rawId: string | null = typeof item.id === 'string' ? item.id : null): ManifestRejection => ({
    kind: 'rejected',
    line: item.line,
    rawId,
    code,
    reason,
  });
  if (item.error) return reject(RejectionCode.MALFORMED_LINE, item.error);
  if (item.id === undefined || item.id === null || (typeof item.id === 'string' && item.id.trim() === '')) {
    return reject(RejectionCode.MISSING_ID, 'Expected a gif_id but the line has none', null);
  }
  if (typeof item.id !== 'string') return reject(RejectionCode.INVALID_ID, `Expected gif_id to be a string but found ${typeof item.id}`, null);
  const id = item.id.trim();
  if (!isSafeId(id)) {
    return reject(RejectionCode.INVALID_ID, 'Expected gif_id of 1–128 characters from A–Z a–z 0–9 . _ - (no "..", no "/")', id);
  }
  if (item.description !== undefined && item.description !== null && typeof item.description !== 'string') {
    return reject(RejectionCode.MALFORMED_LINE, `Expected description to be text but found ${typeof item.description}`, id);
  }
  const source = resolveSource(id, item.uri, context);
  if ('code' in source) return reject(source.code, source.reason, id);
  const key = hash53(id);
  if (seen.has(key)) return reject(RejectionCode.DUPLICATE_ID, `Expected each gif_id once per manifest but ${id} appeared before`, id);
  seen.add(key);
  const description = typeof item.description === 'string' ? item.description.trim() : null;
  return { kind: 'entry', line: item.line, gifId: id, description: description || null, source };
}

function resolveSource(id: string, uri: unknown, { manifest, allowedBuckets }: ManifestContext): ObjectRef | { code: RejectionCode; reason: string } {
  const folder = manifest.name.includes('/') ? manifest.name.slice(0, manifest.name.lastIndexOf('/') + 1) : '';
  if (uri === undefined || uri === null || uri === '') {
    return { bucket: manifest.bucket, name: folder + (hasMediaExtension(id) ? id : `${id}.gif`) };
  }
  if (typeof uri !== 'string') return { code: RejectionCode.INVALID_URI, reason: `Expected uri to be text but found ${typeof uri}` };
  const absolute = parseUri(uri);
  const { bucket, name } = absolute ?? { bucket: manifest.bucket, name: folder + uri };
  if (!absolute && /^[a-z]+:/i.test(uri)) return { code: RejectionCode.INVALID_URI, reason: `Expected a relative name or a gs:// URI but found ${uri}` };
  if (name.startsWith('/') || name.split('/').some((segment) => segment === '..' || segment === '.' || segment === '')) {
    return { code: RejectionCode.INVALID_URI, reason: `Expected an object name without "..", "." or empty segments but found ${uri}` };
  }
  if (bucket !== manifest.bucket && !allowedBuckets?.has(bucket)) {
    return { code: RejectionCode.BUCKET_NOT_ALLOWED, reason: `Expected the manifest's bucket or an allow-listed one but found ${bucket}` };
  }
  return { bucket, name };
}

async function detectFormat(input: Readable): Promise<{ format: ManifestFormat; stream: Readable }> {
  const chunks: Buffer[] = [];
  const iterator = input[Symbol.asyncIterator]();
  let head = '';
  while (!head.includes('\n') && head.length < MAX_LINE_BYTES) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(String(next.value));
    chunks.push(chunk);
    head += chunk.toString('utf8');
  }
  const stream = Readable.from(
    (async function* () {
      yield* chunks;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
    })(),
  );
  const first = head.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '')?.trim() ?? '';
  if (first.startsWith('{')) return { format: 'jsonl', stream };
  if (/^"?gif_id"?\s*,/i.test(first)) return { format: 'csv', stream };
  return { format: 'lines', stream };
}

async function* textLines(stream: Readable): AsyncGenerator<{ line: number; text: string }> {
  let line = 0;
  for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
    line++;
    const clean = line === 1 ? text.replace(/^\uFEFF/, '') : text;
    if (clean.trim() === '' || clean.startsWith('#')) continue;
    yield { line, text: clean };
  }
}

async function* lineItems(stream: Readable): AsyncGenerator<RawItem> {
  for await (const { line, text } of textLines(stream)) {
    if (Buffer.byteLength(text) > MAX_LINE_BYTES) {
      yield { line, id: null, description: null, uri: null, error: `Expected a line of at most ${MAX_LINE_BYTES} bytes` };
      continue;
    }
    const split = text.indexOf(': ');
    yield split < 0
      ? { line, id: text.trim(), description: null, uri: null }
      : { line, id: text.slice(0, split), description: text.slice(split + 2), uri: null };
  }
}

async function* jsonItems(stream: Readable): AsyncGenerator<RawItem> {
  for await (const { line, text } of textLines(stream)) {
    let value: unknown;
    try {
      value = Buffer.byteLength(text) > MAX_LINE_BYTES ? undefined : JSON.parse(text);
    } catch {
      value = undefined;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, id: null, description: null, uri: null, error: 'Expected a JSON object with gif_id and description on the line' };
      continue;
    }
    const record = value as Record<string, unknown>;
    yield { line, id: record.gif_id, description: record.description, uri: record.uri };
  }
}

async function* csvItems(stream: Readable): AsyncGenerator<RawItem> {
  const skipped: RawItem[] = [];
  const parser = stream.pipe(
    parseCsv({
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_LINE_BYTES,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => {
    skipped.push({ line: error.lines ?? 0, id: null, description: null, uri: null, error: `Expected a well-formed CSV record: ${error.message}` });
  });
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield* skipped.splice(0);
      yield { line: info.lines, id: record.gif_id, description: record.description, uri: record.uri };
    }
  } catch (error) {
    // An error csv-parse cannot skip past ends the file; what came before it stands.
    const line = (error as { lines?: number }).lines ?? 0;
    skipped.push({ line, id: null, description: null, uri: null, error: `Expected well-formed CSV from here on: ${(error as Error).message}` });
  }
  yield* skipped.splice(0);
}
