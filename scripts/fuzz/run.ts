/**
 * The fuzz harness: seeded variants of GIFs through the extractor in worker
 * processes. A worker that dies is a crash; one that outlives the per-file
 * bound is a hang and is killed. Every variant ends with one outcome.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DECODER_PROCESS_ENV } from '../../shared/runtime.ts';
import { mutate, type Mutation } from './mutate.ts';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

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
  const spawnWorker = () => fork(WORKER, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...DECODER_PROCESS_ENV }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });

  let next = 0;
  const runOne = async (slot: { child: ChildProcess }): Promise<void> => {
    while (next < options.count) {
      const variant = next++;
      const source = inputs[variant % inputs.length]!;
      const { bytes, mutation } = mutate(source.bytes, (options.seed ?? 1) * 1_000_003 + variant);
      const path = join(dir, `variant-${variant}.gif`);
      writeFileSync(path, bytes);
      report.byMutation[mutation] = (report.byMutation[mutation] ?? 0) + 1;
      const outcome = await new Promise<string>((resolve) => {
        let stderr = '';
        const onErr = (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500));
        const done = (value: string) => {
          clearTimeout(timer);
          slot.child.off('message', onMessage);
          slot.child.off('exit', onExit);
          slot.child.stderr?.off('data', onErr);
          resolve(value);
        };
        const onMessage = (reply: { id: number; outcome: string }) => reply.id === variant && done(reply.outcome);
        const onExit = (code: number | null, signal: string | null) => {
          report.crashes.push({ variant, seedFile: source.path, mutation, detail: `exit ${signal ?? code}: ${stderr}` });
          slot.child = spawnWorker();
          done('CRASH');
        };
        const timer = setTimeout(() => {
          slot.child.off('exit', onExit);
          slot.child.kill('SIGKILL');
          report.hangs.push({ variant, seedFile: source.path, mutation });
          slot.child = spawnWorker();
          done('HANG');
        }, timeoutMs * 2);
        slot.child.on('message', onMessage);
        slot.child.once('exit', onExit);
        slot.child.stderr?.on('data', onErr);
        slot.child.send({ id: variant, path, timeoutMs });
      });
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
      report.variants++;
      rmSync(path, { force: true });
    }
  };
  const slots = Array.from({ length: options.concurrency ?? 2 }, () => ({ child: spawnWorker() }));
  try {
    await Promise.all(slots.map(runOne));
  } finally {
    for (const slot of slots) slot.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  report.seconds = (Date.now() - started) / 1000;
  return report;
}
