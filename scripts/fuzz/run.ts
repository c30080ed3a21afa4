/**
 * The fuzz harness: seeded variants of GIFs through the extractor in worker
 * processes. A worker that dies is a crash; one that outlives the per-file
 * bound is a hang and is killed. Every variant ends with one outcome.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessPool, WorkerLost } from '../../local/process-pool.ts';
import { mutate, type Mutation } from './mutate.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface FuzzTask {
  path: string;
  timeoutMs: number;
}

export interface FuzzOptions {
  seeds: string[];
  count: number;
  seed?: number;
  concurrency?: number;
  /** The engine's own time bound; the harness allows twice that before calling it a hang. */
  timeoutMs?: number;
}

export interface FuzzReport {
  variants: number;
  outcomes: Record<string, number>;
  byMutation: Record<Mutation, number>;
  crashes: Array<{ variant: number; seedFile: string; mutation: Mutation; detail: string }>;
  hangs: Array<{ variant: number; seedFile: string; mutation: Mutation }>;
  seconds: number;
}

export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'framesift-fuzz-'));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const inputs = options.seeds.map((path) => ({ path, bytes: readFileSync(path) }));
  const report: FuzzReport = { variants: 0, outcomes: {}, byMutation: {} as Record<Mutation, number>, crashes: [], hangs: [], seconds: 0 };
  // Twice the engine's own bound before a variant counts as a hang.
  const pool = new ProcessPool<FuzzTask, string>({ module: WORKER, size: options.concurrency ?? 2, taskTimeoutMs: timeoutMs * 2, captureStderr: true });

  let next = 0;
  const runOne = async (): Promise<void> => {
    while (next < options.count) {
      const variant = next++;
      const source = inputs[variant % inputs.length]!;
      const { bytes, mutation } = mutate(source.bytes, (options.seed ?? 1) * 1_000_003 + variant);
      const path = join(dir, `variant-${variant}.gif`);
      writeFileSync(path, bytes);
      report.byMutation[mutation] = (report.byMutation[mutation] ?? 0) + 1;
      const outcome = await pool.run({ path, timeoutMs }).catch((error: unknown) => {
        if (!(error instanceof WorkerLost)) throw error;
        if (error.reason === 'timed out') report.hangs.push({ variant, seedFile: source.path, mutation });
        else report.crashes.push({ variant, seedFile: source.path, mutation, detail: error.message });
        return error.reason === 'timed out' ? 'HANG' : 'CRASH';
      });
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      report.variants++;
      rmSync(path, { force: true });
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.size }, runOne));
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
