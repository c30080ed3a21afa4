/**
 * Extraction: one request in, one record and one pack out. Idempotent: both
 * are named by (source file, generation, selection) and written with
 * `ifGenerationMatch: 0`, the pack last, so a redelivered message finds the
 * pack and stops. A file that cannot be decoded is a result (a failed
 * record), not an exception; only transient errors are thrown, for the queue
 * to retry.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractKeyFrames, type ExtractOptions, type ExtractionRecord } from '../engine.ts';
import { isFramesiftError } from '../errors.ts';
import { limitExceeded, resolveLimits } from '../media/limits.ts';
import { encodePng } from '../media/png.ts';
import { chooseSelector } from '../selectors/choice.ts';
import { decodeRequest, type ExtractRequest, type MessagePublishedData, type SelectorChoice } from './events.ts';
import { outputsOf, recordFailure, writeFileOutputs } from './outputs.ts';
import { PermanentError, isTransient, uriOf, type ObjectInfo, type ObjectStore, type RecordInbox } from './ports.ts';
import { RejectionCode, requestRecord, type FileRecord, type RecordStatus } from './records.ts';
import { selectionOf } from './selection.ts';

export interface ExtractDeps {
  store: ObjectStore;
  outputBucket: string;
  /** Where records wait for compaction; the output bucket's inbox by default. */
  inbox?: RecordInbox;
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
  let selection: string | undefined;
  try {
    const choice = chosenSelector(request, deps.engine);
    selection = selectionOf(choice);
    return await extractFile(request, choice, selection, deps, started);
  } catch (error) {
    if (isTransient(error)) throw error;
    // No retry mends the rest (access denied, a bad option, a bug): it is recorded now, with its code.
    const failure = { ...failureOf(error), processingMs: Date.now() - started };
    const written = await recordFailure(request, failure, { ...deps, selection });
    return { gifId: request.gifId, status: written ? 'failed' : 'duplicate', keyFrames: 0, errorCode: failure.errorCode };
  }
}

function failureOf(error: unknown): { errorCode: string; errorMessage: string } {
  const code = isFramesiftError(error) || error instanceof PermanentError ? error.code : INTERNAL_ERROR;
  return { errorCode: code, errorMessage: error instanceof Error ? error.message : String(error) };
}

/** The request's selector, or the deployment's default resolved here, so that its selection id names its version and options. */
function chosenSelector(request: ExtractRequest, engine: ExtractOptions | undefined): SelectorChoice {
  return request.selector ?? chooseSelector(engine?.selector, engine?.selectorOptions);
}

/** What a storage event already told fan-out saves a stat here. */
async function sourceOf(request: ExtractRequest, store: ObjectStore): Promise<ObjectInfo | null> {
  const { bucket, name, generation, size } = request.source;
  if (generation !== undefined && size !== undefined) return { bucket, name, generation, size };
  return store.stat(request.source);
}

async function extractFile(request: ExtractRequest, choice: SelectorChoice, selection: string, deps: ExtractDeps, started: number): Promise<ExtractResult> {
  const { store } = deps;
  const source = await sourceOf(request, store);
  // A missing file has no generation; "0" names it, and an upload later has a real one, so it is not mistaken for done.
  const generation = source?.generation ?? '0';
  const { pack } = outputsOf(deps.outputBucket, uriOf(request.source), generation, selection);
  if (await store.stat(pack)) return { gifId: request.gifId, status: 'duplicate', keyFrames: 0, errorCode: null };

  const base = requestRecord(request, generation, selection, deps.now?.());
  const finish = async (status: RecordStatus, fields: Partial<FileRecord>, pngs: Uint8Array[] = []): Promise<ExtractResult> => {
    const complete: FileRecord = { ...base, status, ...fields, processingMs: Date.now() - started };
    const written = await writeFileOutputs(deps, complete, pngs);
    return { gifId: request.gifId, status: written ? status : 'duplicate', keyFrames: pngs.length, errorCode: complete.errorCode };
  };

  if (!source) {
    return finish('rejected', { errorCode: RejectionCode.MISSING_FILE, errorMessage: `Expected the file ${uriOf(request.source)} but it does not exist` });
  }
  const options: ExtractOptions = { ...deps.engine, selector: choice.name, selectorOptions: choice.options };
  const { maxInputBytes } = resolveLimits(options.limits);
  if (source.size > maxInputBytes) {
    const refused = limitExceeded('input bytes', maxInputBytes, source.size);
    return finish('failed', { errorCode: refused.code, errorMessage: refused.message });
  }

  // One temporary file, not a folder: the file's bytes are all the engine needs on disk.
  const dir = deps.tmpDir ?? tmpdir();
  if (deps.tmpDir) await mkdir(dir, { recursive: true });
  const local = join(dir, `framesift-${randomUUID()}`);
  try {
    await store.download(request.source, local);
    let extraction: ExtractionRecord;
    let images: Uint8Array[];
    try {
      ({ record: extraction, images } = await extractKeyFrames(local, options));
    } catch (error) {
      if (isTransient(error)) throw error;
      return finish('failed', failureOf(error));
    }
    const pngs = await Promise.all(images.map((rgb) => encodePng(rgb, extraction.size)));
    return finish('ok', { extraction }, pngs);
  } finally {
    await rm(local, { force: true });
  }
}
