/** A function served by the real functions-framework CLI in a process of its own. */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../../scripts/lib/pubsub-emulator.ts';

const require = createRequire(import.meta.url);
// The package exports only its API; its CLI (the `functions-framework` bin) sits beside the entry point.
const CLI = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');

export interface FunctionServer {
  url: string;
  logs: () => string;
  stop(): Promise<void>;
}

/** `functions-framework --target=<name> --signature-type=cloudevent`, with tsx so it loads the TypeScript source. */
export async function startFunctionServer(target: string, env: Record<string, string>): Promise<FunctionServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, `--target=${target}`, '--signature-type=cloudevent', `--source=functions/${target}/index.ts`, `--port=${port}`],
    { env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 30_000;
  while (!log.includes('Serving function')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`functions-framework ${target} did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    logs: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
