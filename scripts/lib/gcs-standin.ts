/**
 * A stand-in for the part of the Cloud Storage JSON API that
 * @google-cloud/storage 7 uses, so the official client runs unchanged against
 * it: objects get (metadata and media), insert (multipart and resumable),
 * list (with pages) and delete, with generation preconditions. Errors carry
 * the real status codes and bodies shaped like the real ones. Tests and benchmarks only.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CRC32C } from '@google-cloud/storage';

interface StoredObject {
  data: Buffer;
  generation: string;
  contentType: string;
  created: string;
  /** Computed once, when written: a stand-in that hashed on every read would be the bottleneck of a read-heavy bench. */
  md5: string;
  crc32c: string;
}

interface Session {
  bucket: string;
  name: string;
  contentType: string;
  ifGenerationMatch: string | null;
  chunks: Buffer[];
  received: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  uploadType: string | null;
}

export class GcsStandIn {
  readonly buckets = new Map<string, Map<string, StoredObject>>();
  readonly requests: RecordedRequest[] = [];
  /** Every object written through the API (not by `put`), in order: what a bill counts as inserts. */
  readonly writes: Array<{ bucket: string; name: string }> = [];
  /** Added before every answer, as a stand-in for the network and Cloud Storage's own time. */
  latencyMs = 0;
  readonly #sessions = new Map<string, Session>();
  #generation = 1_700_000_000_000_000;
  #faults: Array<{ match: (req: RecordedRequest) => boolean; status: number }> = [];
  url = '';
  readonly #server = createServer((req, res) => {
    this.#handle(req, res).catch((error: unknown) => sendError(res, 500, String(error), 'backendError'));
  });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The next request that matches answers `status` instead (a 503, say), once. */
  failNext(match: (req: RecordedRequest) => boolean, status: number): void {
    this.#faults.push({ match, status });
  }

  object(bucket: string, name: string): StoredObject | undefined {
    return this.buckets.get(bucket)?.get(name);
  }

  put(bucket: string, name: string, data: Buffer, contentType = 'application/octet-stream'): StoredObject {
    let objects = this.buckets.get(bucket);
    if (!objects) this.buckets.set(bucket, (objects = new Map()));
    const stored = { data, generation: String(++this.#generation), contentType, created: new Date().toISOString(), md5: md5(data), crc32c: crc32c(data) };
    objects.set(name, stored);
    return stored;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, 'http://stand-in');
    // Through STORAGE_EMULATOR_HOST the client leaves "/storage/v1" out of object paths (uploads keep theirs).
    if (url.pathname.startsWith('/b/')) url.pathname = `/storage/v1${url.pathname}`;
    const recorded = { method: req.method!, path: url.pathname, uploadType: url.searchParams.get('uploadType') };
    this.requests.push(recorded);
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const fault = this.#faults.findIndex((f) => f.match(recorded));
    if (fault >= 0) {
      const { status } = this.#faults.splice(fault, 1)[0]!;
      await readBody(req);
      return sendError(res, status, status === 503 ? 'Service Unavailable' : 'Injected fault', status === 503 ? 'backendError' : 'injected');
    }
    const body = await readBody(req);
    let m: RegExpExecArray | null;

    if ((m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)) && req.method === 'POST') {
      return this.#insert(decodeURIComponent(m[1]!), url, req, body, res);
    }
    if ((m = /^\/upload\/resumable\/([\w-]+)$/.exec(url.pathname)) && req.method === 'PUT') {
      return this.#resumableChunk(m[1]!, req, body, res);
    }
    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname)) && req.method === 'GET') {
      return this.#list(decodeURIComponent(m[1]!), url, res);
    }
    if ((m = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname))) {
      const [bucket, name] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
      const stored = this.object(bucket, name);
      if (!stored) return sendError(res, 404, `No such object: ${bucket}/${name}`, 'notFound');
      if (req.method === 'DELETE') {
        if (!preconditionHolds(url.searchParams.get('ifGenerationMatch'), stored)) return conditionNotMet(res);
        this.buckets.get(bucket)!.delete(name);
        res.writeHead(204).end();
        return;
      }
      if (req.method === 'GET' && url.searchParams.get('alt') === 'media') {
        res.writeHead(200, {
          'content-type': stored.contentType,
          'content-length': stored.data.length,
          'x-goog-hash': `crc32c=${stored.crc32c},md5=${stored.md5}`,
          'x-goog-generation': stored.generation,
          'x-goog-stored-content-encoding': 'identity',
        });
        res.end(stored.data);
        return;
      }
      if (req.method === 'GET') return sendJson(res, 200, resource(bucket, name, stored));
    }
    sendError(res, 404, `Not Found: ${req.method} ${url.pathname}`, 'notFound');
  }

  #insert(bucket: string, url: URL, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const ifGenerationMatch = url.searchParams.get('ifGenerationMatch');
    const uploadType = url.searchParams.get('uploadType');
    if (uploadType === 'multipart') {
      const [metadataPart, media] = multipartParts(body, req.headers['content-type'] ?? '');
      const metadata = JSON.parse(metadataPart!.body.toString('utf8')) as { name?: string; contentType?: string };
      const name = url.searchParams.get('name') ?? metadata.name!;
      if (!preconditionHolds(ifGenerationMatch, this.object(bucket, name))) return conditionNotMet(res);
      const stored = this.put(bucket, name, media!.body, metadata.contentType ?? media!.contentType ?? 'application/octet-stream');
      this.writes.push({ bucket, name });
      return sendJson(res, 200, resource(bucket, name, stored));
    }
    if (uploadType === 'resumable') {
      const metadata = body.length ? (JSON.parse(body.toString('utf8')) as { name?: string; contentType?: string }) : {};
      const name = url.searchParams.get('name') ?? metadata.name!;
      if (!preconditionHolds(ifGenerationMatch, this.object(bucket, name))) return conditionNotMet(res);
      const id = createHash('sha1').update(`${bucket}/${name}/${Date.now()}/${Math.random()}`).digest('hex');
      const contentType = metadata.contentType ?? String(req.headers['x-upload-content-type'] ?? 'application/octet-stream');
      this.#sessions.set(id, { bucket, name, contentType, ifGenerationMatch, chunks: [], received: 0 });
      res.writeHead(200, { location: `${this.url}/upload/resumable/${id}` }).end();
      return;
    }
    sendError(res, 400, `Unsupported uploadType ${uploadType}`, 'invalid');
  }

  #resumableChunk(id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const session = this.#sessions.get(id);
    if (!session) return sendError(res, 404, 'No such upload session', 'notFound');
    // "bytes A-B/T" is a chunk of a T-byte object (T may be "*" until the last chunk);
    // "bytes A-*/T" sends everything left in this one request; "bytes */T" asks for the status.
    const header = String(req.headers['content-range'] ?? `bytes 0-*/${body.length}`);
    const range = /^bytes (?:(\d+)-(\d+|\*)|\*)\/(\d+|\*)$/.exec(header);
    if (!range) return sendError(res, 400, `Unparseable Content-Range ${header}`, 'invalid');
    if (body.length) {
      session.chunks.push(body);
      session.received += body.length;
    }
    const rest = range[2] === '*';
    const total = range[3] === '*' ? null : Number(range[3]);
    const complete = rest || (total !== null && session.received >= total);
    if (!complete) {
      res.writeHead(308, session.received ? { range: `bytes=0-${session.received - 1}` } : {}).end();
      return;
    }
    this.#sessions.delete(id);
    if (!preconditionHolds(session.ifGenerationMatch, this.object(session.bucket, session.name))) return conditionNotMet(res);
    const stored = this.put(session.bucket, session.name, Buffer.concat(session.chunks), session.contentType);
    this.writes.push({ bucket: session.bucket, name: session.name });
    sendJson(res, 200, resource(session.bucket, session.name, stored));
  }

  #list(bucket: string, url: URL, res: ServerResponse): void {
    const prefix = url.searchParams.get('prefix') ?? '';
    const max = Math.min(1000, Number(url.searchParams.get('maxResults') ?? 1000));
    const after = url.searchParams.get('pageToken') ? Buffer.from(url.searchParams.get('pageToken')!, 'base64url').toString() : '';
    const names = [...(this.buckets.get(bucket)?.keys() ?? [])].filter((n) => n.startsWith(prefix) && n > after).sort();
    const page = names.slice(0, max);
    const objects = this.buckets.get(bucket);
    sendJson(res, 200, {
      kind: 'storage#objects',
      items: page.map((name) => resource(bucket, name, objects!.get(name)!)),
      ...(names.length > max && { nextPageToken: Buffer.from(page[page.length - 1]!).toString('base64url') }),
    });
  }
}

function preconditionHolds(ifGenerationMatch: string | null, existing: StoredObject | undefined): boolean {
  if (ifGenerationMatch === null) return true;
  return ifGenerationMatch === '0' ? existing === undefined : existing?.generation === ifGenerationMatch;
}

function conditionNotMet(res: ServerResponse): void {
  sendError(res, 412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet');
}

function resource(bucket: string, name: string, stored: StoredObject) {
  return {
    kind: 'storage#object',
    id: `${bucket}/${name}/${stored.generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    name,
    bucket,
    generation: stored.generation,
    metageneration: '1',
    contentType: stored.contentType,
    size: String(stored.data.length),
    md5Hash: stored.md5,
    crc32c: stored.crc32c,
    etag: `C${stored.generation}`,
    timeCreated: stored.created,
    updated: stored.created,
    storageClass: 'STANDARD',
  };
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('base64');

function crc32c(data: Buffer): string {
  const checksum = new CRC32C();
  checksum.update(data);
  return checksum.toString();
}

function multipartParts(body: Buffer, contentType: string): Array<{ contentType: string | undefined; body: Buffer }> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ contentType: string | undefined; body: Buffer }> = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, split).toString('utf8');
    parts.push({ contentType: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1], body: part.subarray(split + 4) });
    start = next;
  }
  return parts;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Google's JSON error envelope: { error: { code, message, errors: [{ message, domain, reason }] } }. */
export function sendError(res: ServerResponse, code: number, message: string, reason: string): void {
  sendJson(res, code, { error: { code, message, errors: [{ message, domain: 'global', reason }], status: statusName(code) } });
}

function statusName(code: number): string {
  return ({ 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 409: 'ALREADY_EXISTS', 412: 'FAILED_PRECONDITION', 500: 'INTERNAL', 503: 'UNAVAILABLE' } as Record<number, string>)[code] ?? 'UNKNOWN';
}
