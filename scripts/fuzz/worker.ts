/** Runs the engine on the files it is sent, one at a time, and answers with each outcome. */
import { extractKeyFrames, isFramesiftError } from '../../shared/index.ts';

process.on('message', async ({ id, path, timeoutMs }: { id: number; path: string; timeoutMs: number }) => {
  let outcome: string;
  try {
    await extractKeyFrames(path, { limits: { timeoutMs } });
    outcome = 'ok';
  } catch (error) {
    outcome = isFramesiftError(error) ? error.code : `UNTYPED:${error instanceof Error ? error.name : typeof error}`;
  }
  process.send!({ id, outcome });
});
