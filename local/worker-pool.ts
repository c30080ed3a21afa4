import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MessagePublishedData } from '../shared/pipeline/events.ts';
import type { ExtractResult } from '../shared/pipeline/extract.ts';
import { DECODER_PROCESS_ENV } from '../shared/runtime.ts';

const WORKER = fileURLToPath(new URL('./extract-worker.ts', import.meta.url));

interface Slot {
  child: ChildProcess;
  busy: boolean;
  index: number;
}

/** Extraction worker processes, one message each at a time; a worker that dies is replaced. */
export class WorkerPool {
  readonly #slots: Slot[] = [];
  readonly #env: NodeJS.ProcessEnv;
  #nextId = 0;

  constructor(size: number, env: Record<string, string>) {
    this.#env = { ...process.env, ...DECODER_PROCESS_ENV, ...env };
    for (let i = 0; i < size; i++) this.#slots.push({ child: this.#spawn(i), busy: false, index: i });
  }

  #spawn(index: number): ChildProcess {
    return fork(WORKER, [], { env: { ...this.#env, FRAMESIFT_WORKER_INDEX: String(index) }, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  }

  /** Runs one message on an idle worker; rejects (for the queue to retry) if it failed or the worker died. */
  run(event: MessagePublishedData): Promise<ExtractResult> {
    const slot = this.#slots.find((s) => !s.busy);
    if (!slot) return Promise.reject(new Error('WorkerPool: no idle worker; deliver at most `size` messages at once'));
    slot.busy = true;
    const id = this.#nextId++;
    return new Promise<ExtractResult>((resolve, reject) => {
      const onMessage = (reply: { id: number; result?: ExtractResult; error?: string }) => {
        if (reply.id !== id) return;
        done();
        if (reply.result) resolve(reply.result);
        else reject(new Error(reply.error));
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        slot.child = this.#spawn(slot.index);
        reject(new Error(`extraction worker exited (${signal ?? code}) during a message`));
      };
      const done = () => {
        slot.child.off('message', onMessage);
        slot.child.off('exit', onExit);
        slot.busy = false;
      };
      slot.child.on('message', onMessage);
      slot.child.once('exit', onExit);
      slot.child.send({ id, event });
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#slots.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill();
          }),
      ),
    );
  }
}
