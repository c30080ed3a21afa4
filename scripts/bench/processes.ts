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
