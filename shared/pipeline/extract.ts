/**
 * Extraction: one request in, key frames and one record out. Idempotent:
 * every output is named by (gifId, source generation) and written with
 * `ifGenerationMatch: 0`, and the record is written last, so a redelivered
 * message finds the record and stops. A file that cannot be decoded is a
 * result (a failed record), not an exception; only transient errors are
 * thrown, for the queue to retry.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractKeyFrames, type ExtractOptions, type ExtractionRecord } from '../engine.ts';
import { isFramesiftError } from '../errors.ts';
import { limitExceeded, resolveLimits } from '../media/limits.ts';
import { encodePng } from '../media/png.ts';
import { decodeRequest, type ExtractRequest, type MessagePublishedData } from './events.ts';
import { frameName, recordName } from './layout.ts';
import { PermanentError, isTransient, uriOf, type ObjectStore } from './ports.ts';
import { RejectionCode, recordFailure, requestRecord, type FileRecord, type RecordStatus } from './records.ts';

export interface ExtractDeps {
  store: ObjectStore;
  outputBucket: string;
  /** Engine options for requests that name no selector: defaults, limits, size. */
  engine?: ExtractOptions;
  tmpDir?: string;
  now?: () => Date;
}

export interface ExtractResult {
  gifId: string;
  status: RecordStatus | 'duplicate';
  keyFrames: number;
  errorCode: string | null;
}

/** Code for an unexpected exception inside the engine: a bug, recorded rather than retried forever. */
export const INTERNAL_ERROR = 'INTERNAL_ERROR';

export async function extractStep(event: MessagePublishedData, deps: ExtractDeps): Promise<ExtractResult> {
  return extractRequest(decodeRequest(event), deps);
}

export async function extractRequest(request: ExtractRequest, deps: ExtractDeps): Promise<ExtractResult> {
  const started = Date.now();
  try {
    return await extractFile(request, deps, started);
  } catch (error) {
    if (isTransient(error)) throw error;
    // No retry mends the rest (access denied, a bad option, a bug): it is recorded now, with its code.
    const failure = { ...failureOf(error), processingMs: Date.now() - started };
    const written = await recordFailure(request, failure, deps);
    return { gifId: request.gifId, status: written ? 'failed' : 'duplicate', keyFrames: 0, errorCode: failure.errorCode };
  }
}

function failureOf(error: unknown): { errorCode: string; errorMessage: string } {
  const code = isFramesiftError(error) || error instanceof PermanentError ? error.code : INTERNAL_ERROR;
  return { errorCode: code, errorMessage: error instanceof Error ? error.message : String(error) };
}

async function extractFile(request: ExtractRequest, deps: ExtractDeps, started: number): Promise<ExtractResult> {
  const { store, outputBucket } = deps;
  const source = await store.stat(request.source);
  const generation = source?.generation ?? request.source.generation ?? '0';
  const record = { bucket: outputBucket, name: recordName(request.gifId, generation) };
  if (await store.stat(record)) return { gifId: request.gifId, status: 'duplicate', keyFrames: 0, errorCode: null };

  const base = requestRecord(request, generation, deps.now?.());
  const finish = async (status: RecordStatus, fields: Partial<FileRecord>): Promise<ExtractResult> => {
    const complete: FileRecord = { ...base, status, ...fields, processingMs: Date.now() - started };
    const written = await store.writeIfAbsent(record, JSON.stringify(complete), 'application/json');
    return { gifId: request.gifId, status: written ? status : 'duplicate', keyFrames: complete.keyFrameUris.length, errorCode: complete.errorCode };
  };

  if (!source) {
    return finish('rejected', { errorCode: RejectionCode.MISSING_FILE, errorMessage: `Expected the file ${uriOf(request.source)} but it does not exist` });
  }
  const options: ExtractOptions = request.selector
    ? { ...deps.engine, selector: request.selector.name, selectorOptions: request.selector.options }
    : { ...deps.engine };
  const { maxInputBytes } = resolveLimits(options.limits);
  if (source.size > maxInputBytes) {
    const refused = limitExceeded('input bytes', maxInputBytes, source.size);
    return finish('failed', { errorCode: refused.code, errorMessage: refused.message });
  }

  const workDir = join(deps.tmpDir ?? tmpdir(), `framesift-${randomUUID()}`);
  await mkdir(workDir, { recursive: true });
  try {
    const local = join(workDir, 'source');
    await store.download(request.source, local);
    let extraction: ExtractionRecord;
    let images: Uint8Array[];
    try {
      ({ record: extraction, images } = await extractKeyFrames(local, options));
    } catch (error) {
      if (isTransient(error)) throw error;
      return finish('failed', failureOf(error));
    }
    const uris: string[] = [];
    for (const [ordinal, rgb] of images.entries()) {
      const frame = { bucket: outputBucket, name: frameName(request.gifId, generation, ordinal) };
      await store.writeIfAbsent(frame, await encodePng(rgb, extraction.size), 'image/png');
      uris.push(uriOf(frame));
    }
    return finish('ok', { extraction, keyFrameUris: uris });
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

