/**
 * One extraction worker process of the local pipeline. sharp decodes on one
 * thread here, so a second core needs a second process. Messages in:
 * { id, event }; messages out: { id, result } or { id, error, transient }.
 */
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import type { MessagePublishedData } from '../../shared/pipeline/events.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { isTransient } from '../../shared/pipeline/ports.ts';

const store = new FolderStore(process.env.FRAMESIFT_BUCKETS!);
const outputBucket = process.env.FRAMESIFT_OUTPUT_BUCKET!;

process.on('message', async ({ id, event }: { id: number; event: MessagePublishedData }) => {
  try {
    const result = await extractStep(event, { store, outputBucket });
    process.send!({ id, result });
  } catch (error) {
    process.send!({ id, error: error instanceof Error ? error.message : String(error), transient: isTransient(error) });
  }
});
