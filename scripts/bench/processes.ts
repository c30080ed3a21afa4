import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DECODER_PROCESS_ENV } from '../../shared/runtime.ts';
import type { JobResult } from './worker.ts';

const exec = promisify(execFile);
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

/** Pinned to one CPU where taskset exists, so "per core" figures mean one core. */
export const PINNED = existsSync('/usr/bin/taskset');

export async function runJob(job: string, files: string[], { pin = true } = {}): Promise<JobResult> {
  const node = [process.execPath, '--import', 'tsx', WORKER, job, ...files];
  const [command, ...args] = PINNED && pin ? ['/usr/bin/taskset', '-c', '0', ...node] : node;
  const env = { ...process.env, ...DECODER_PROCESS_ENV };
  const { stdout } = await exec(command!, args, { env, maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as JobResult;
}

const TIME = '/usr/bin/time';
const CLI = fileURLToPath(new URL('../framesift.ts', import.meta.url));

export interface CommandRun {
  seconds: number;
  /** Largest resident set of the command or of any child it waited for (ffmpeg, for video), in MB. */
  peakRssMb: number;
}

/** Whether peak RSS of a whole command can be measured here (GNU time reports it). */
export const CAN_MEASURE_COMMANDS = existsSync(TIME);

/** Run a command pinned to one core under GNU time, with the allocator settings decoders run with. */
export async function runCommand(command: string[], { pin = true } = {}): Promise<CommandRun> {
  const timed = [TIME, '-f', 'framesift-bench %M %e', ...command];
  const [file, ...args] = PINNED && pin ? ['/usr/bin/taskset', '-c', '0', ...timed] : timed;
  const env = { ...process.env, ...DECODER_PROCESS_ENV };
  const { stderr } = await exec(file!, args, { env, maxBuffer: 64 * 1024 * 1024 });
  const [, kb, seconds] = /framesift-bench (\d+) ([\d.]+)/.exec(stderr)!;
  return { seconds: Number(seconds), peakRssMb: Number(kb) / 1024 };
}

/** `framesift <args>`, the real command line, as a user runs it. */
export function framesiftCommand(args: string[]): string[] {
  return [process.execPath, '--import', 'tsx', CLI, ...args];
}
