/**
 * One extraction worker process of the local pipeline. A GIF decodes on one
 * thread here, so a second core needs a second process. Messages in:
 * { id, event }; messages out: { id, result } or { id, error, transient }.
 */
import { FolderStore } from '../../shared/adapters/local/folder-store.ts';
import type { MessagePublishedData } from '../../shared/pipeline/events.ts';
import { extractStep } from '../../shared/pipeline/extract.ts';
import { isTransient } from '../../shared/pipeline/ports.ts';
import { faultyStore } from '../../shared/adapters/faults.ts';
import { retryingStore } from '../../shared/adapters/retrying.ts';
import { seededRandom } from '../lib/random.ts';

const folders = new FolderStore(process.env.FRAMESIFT_BUCKETS!);
const faultRate = Number(process.env.FRAMESIFT_FAULT_RATE ?? 0);
// Each worker draws its own faults, seeded by the run's seed and the worker's index.
const faultSeed = Number(process.env.FRAMESIFT_FAULT_SEED ?? 1) * 65_537 + Number(process.env.FRAMESIFT_WORKER_INDEX ?? 0);
const store = faultRate > 0 ? retryingStore(faultyStore(folders, { rate: faultRate, random: seededRandom(faultSeed) })) : folders;
const outputBucket = process.env.FRAMESIFT_OUTPUT_BUCKET!;

process.on('message', async ({ id, event }: { id: number; event: MessagePublishedData }) => {
  try {
    const result = await extractStep(event, { store, outputBucket });
    process.send!({ id, result });
  } catch (error) {
    process.send!({ id, error: error instanceof Error ? error.message : String(error), transient: isTransient(error) });
  }
});
