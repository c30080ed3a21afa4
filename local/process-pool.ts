/**
 * Worker processes that each run one task at a time. A worker that dies
 * during a task, or outlives the task's time bound, is replaced, and the task
 * fails with a `WorkerLost` error that says which. The local pipeline runs
 * extraction on one; the fuzz harness runs the engine on another.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { DECODER_PROCESS_ENV } from '../shared/runtime.ts';

export interface ProcessPoolOptions {
  /** The worker module: it answers each `{ id, task }` message with `{ id, result }` or `{ id, error }`. */
  module: string;
  size: number;
  env?: Record<string, string>;
  /** Kill and replace a worker whose task runs longer than this. */
  taskTimeoutMs?: number;
  /** Keep the workers' stderr (the tail is reported when one dies) instead of inheriting it. */
  captureStderr?: boolean;
}

export class WorkerLost extends Error {
  override readonly name = 'WorkerLost';
  constructor(
    readonly reason: 'exited' | 'timed out',
    message: string,
  ) {
    super(message);
  }
}

interface Slot {
  child: ChildProcess;
  busy: boolean;
  index: number;
  stderr: string;
}

/** Enough of a dying worker's stderr to see its last error. */
const STDERR_TAIL = 500;

export class ProcessPool<Task, Result> {
  readonly #slots: Slot[] = [];
  readonly #options: ProcessPoolOptions;
  #nextId = 0;

  constructor(options: ProcessPoolOptions) {
    this.#options = options;
    for (let index = 0; index < options.size; index++) this.#slots.push(this.#spawn(index));
  }

  get size(): number {
    return this.#slots.length;
  }

  #spawn(index: number): Slot {
    const env = { ...process.env, ...DECODER_PROCESS_ENV, ...this.#options.env, FRAMESIFT_WORKER_INDEX: String(index) };
    const stdio = ['ignore', 'inherit', this.#options.captureStderr ? 'pipe' : 'inherit', 'ipc'] as const;
    const slot: Slot = { child: fork(this.#options.module, [], { env, execArgv: ['--import', 'tsx'], stdio: [...stdio] }), busy: false, index, stderr: '' };
    slot.child.stderr?.on('data', (d: Buffer) => (slot.stderr = (slot.stderr + d.toString()).slice(-STDERR_TAIL)));
    return slot;
  }

  #replace(slot: Slot): void {
    const position = this.#slots.indexOf(slot);
    this.#slots[position] = this.#spawn(slot.index);
  }

  /** Runs one task on an idle worker; run at most `size` at once. */
  run(task: Task): Promise<Result> {
    const slot = this.#slots.find((s) => !s.busy);
    if (!slot) return Promise.reject(new Error('ProcessPool: no idle worker; run at most `size` tasks at once'));
    slot.busy = true;
    const id = this.#nextId++;
    const { child } = slot;
    return new Promise<Result>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        slot.busy = false;
        outcome();
      };
      const onMessage = (reply: { id: number; result?: Result; error?: string }) => {
        if (reply.id !== id) return;
        settle(() => (reply.error === undefined ? resolve(reply.result as Result) : reject(new Error(reply.error))));
      };
      const onExit = (code: number | null, signal: string | null) => {
        const tail = slot.stderr;
        settle(() => {
          this.#replace(slot);
          reject(new WorkerLost('exited', `worker exited (${signal ?? code}) during a task${tail ? `: ${tail}` : ''}`));
        });
      };
      const timeoutMs = this.#options.taskTimeoutMs;
      const timer = timeoutMs
        ? setTimeout(() => {
            settle(() => {
              child.kill('SIGKILL');
              this.#replace(slot);
              reject(new WorkerLost('timed out', `worker ran longer than ${timeoutMs} ms on a task`));
            });
          }, timeoutMs)
        : undefined;
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, task });
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#slots.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill();
          }),
      ),
    );
  }
}

/** The worker's side: answer each task with its result, or with the error's message. */
export function serveTasks<Task, Result>(work: (task: Task) => Promise<Result>): void {
  process.on('message', async ({ id, task }: { id: number; task: Task }) => {
    try {
      process.send!({ id, result: await work(task) });
    } catch (error) {
      process.send!({ id, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
