import { isTransient } from './ports.ts';

/**
 * Runs `step` again after transient failures, with exponential backoff: what
 * Eventarc does for fan-out and a later scheduler tick does for compaction.
 */
export async function retryTransient<T>(step: () => Promise<T>, { attempts = 10, backoffMs = 20 } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isTransient(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 1)));
    }
  }
}
