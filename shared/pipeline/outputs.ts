/**
 * What one file leaves behind: its record in the inbox (a message on the
 * records topic in the cloud, an inbox object locally), then its pack in the
 * output bucket (key frames and the record). In that order: the pack is the
 * mark that a file is done, so it must never exist without its record having
 * reached the inbox. Written side by side, a pack could land while its record
 * failed, and the retry would stop at the pack with the row lost.
 */
import { fileKeyOf, inboxRecordName, packName } from './layout.ts';
import { buildPack, packRanges } from './pack.ts';
import { uriOf, type ObjectRef, type ObjectStore, type RecordInbox } from './ports.ts';
import { PipelineCode, requestRecord, type FileRecord } from './records.ts';
import { selectionOf } from './selection.ts';
import { StoreRecordInbox } from './store-inbox.ts';
import type { ExtractRequest } from './events.ts';

export interface OutputDeps {
  store: ObjectStore;
  outputBucket: string;
  /** Where records wait for compaction; the output bucket's inbox by default. */
  inbox?: RecordInbox;
  now?: () => Date;
}

/** The two objects of a file and selection. */
export function outputsOf(outputBucket: string, sourceUri: string, generation: string, selection: string): { pack: ObjectRef; inbox: ObjectRef } {
  const key = fileKeyOf(sourceUri, generation);
  return { pack: { bucket: outputBucket, name: packName(selection, key) }, inbox: { bucket: outputBucket, name: inboxRecordName(selection, key) } };
}

/** Writes the record (with its pack's URI and ranges) and then the pack. Returns false when the pack was already there. */
export async function writeFileOutputs(deps: OutputDeps, record: FileRecord, pngs: readonly Uint8Array[]): Promise<boolean> {
  const { pack, inbox } = outputsOf(deps.outputBucket, record.sourceUri!, record.sourceGeneration!, record.selection!);
  const complete: FileRecord = { ...record, packUri: pngs.length > 0 ? uriOf(pack) : null, keyFrameRanges: packRanges(pngs) };
  const json = JSON.stringify(complete);
  const bytes = await buildPack(pngs, json);
  await (deps.inbox ?? new StoreRecordInbox(deps.store, deps.outputBucket)).put(inbox.name, json);
  return deps.store.writeIfAbsent(pack, bytes, 'application/x-tar');
}

/**
 * A request that could not be processed still ends as a row: a failed record
 * under the file's generation (the request's, else the object's if it can be
 * read, else "0"), unless the file is done already. Returns whether it wrote.
 */
export async function recordFailure(
  request: ExtractRequest,
  failure: { errorCode: string; errorMessage: string; processingMs?: number },
  deps: OutputDeps & { selection?: string },
): Promise<boolean> {
  const generation = request.source.generation ?? (await deps.store.stat(request.source).catch(() => null))?.generation ?? '0';
  const selection = deps.selection ?? selectionOf(request.selector);
  const { pack } = outputsOf(deps.outputBucket, uriOf(request.source), generation, selection);
  if (await deps.store.stat(pack)) return false;
  const record: FileRecord = { ...requestRecord(request, generation, selection, deps.now?.()), status: 'failed', ...failure };
  return writeFileOutputs(deps, record, []);
}

/** A message the queue gave up on, after its maximum delivery attempts. */
export async function recordUndeliverable(request: ExtractRequest, reason: string, deps: OutputDeps): Promise<void> {
  await recordFailure(request, { errorCode: PipelineCode.DELIVERY_FAILED, errorMessage: `Expected extraction to succeed within the delivery attempts but the last one failed: ${reason}` }, deps);
}
