/**
 * One extraction worker process of the local pipeline. A GIF decodes on one
 * thread here, so a second core needs a second process. A failure goes back
 * as an error, and the queue decides whether to deliver the message again.
 */
import type { MessagePublishedData } from '../shared/pipeline/events.ts';
import { extractStep, type ExtractResult } from '../shared/pipeline/extract.ts';
import { faultyStore } from '../shared/adapters/faults.ts';
import { retryingStore } from '../shared/adapters/retrying.ts';
import { seededRandom } from '../shared/random.ts';
import { localStore } from './adapters.ts';
import { OUTPUT_BUCKET, localPaths } from './layout.ts';
import { serveTasks } from './process-pool.ts';

const folders = localStore(localPaths(process.env.FRAMESIFT_WORKDIR));
const faultRate = Number(process.env.FRAMESIFT_FAULT_RATE ?? 0);
// Each worker draws its own faults, seeded by the run's seed and the worker's index.
const faultSeed = Number(process.env.FRAMESIFT_FAULT_SEED ?? 1) * 65_537 + Number(process.env.FRAMESIFT_WORKER_INDEX ?? 0);
const store = faultRate > 0 ? retryingStore(faultyStore(folders, { rate: faultRate, random: seededRandom(faultSeed) })) : folders;

serveTasks<MessagePublishedData, ExtractResult>((event) => extractStep(event, { store, outputBucket: OUTPUT_BUCKET }));
