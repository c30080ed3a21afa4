/** Runs the engine on the files it is sent, one at a time, and answers with each outcome. */
import { serveTasks } from '../../local/process-pool.ts';
import { extractKeyFrames, isFramesiftError } from '../../shared/index.ts';
import type { FuzzTask } from './run.ts';

serveTasks<FuzzTask, string>(async ({ path, timeoutMs }) => {
  try {
    await extractKeyFrames(path, { limits: { timeoutMs } });
    return 'ok';
  } catch (error) {
    return isFramesiftError(error) ? error.code : `UNTYPED:${error instanceof Error ? error.name : typeof error}`;
  }
});
