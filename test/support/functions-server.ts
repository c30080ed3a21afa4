/** A function served by the real functions-framework CLI in a process of its own. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { freePort } from '../../scripts/lib/pubsub-emulator.ts';

const require = createRequire(import.meta.url);
// The package exports only its API; its CLI (the `functions-framework` bin) sits beside the entry point.
const CLI = join(dirname(require.resolve('@google-cloud/functions-framework')), 'main.js');
/** How long a server may take to say it is serving; a cold start here takes well under this. */
const START_TIMEOUT_MS = 30_000;

export interface FunctionServer {
  url: string;
  pid: number;
  logs: () => string;
  stop(): Promise<void>;
}

/** `functions-framework --target=<name> --signature-type=cloudevent` on the source tree, with tsx to load the TypeScript. */
export async function startFunctionServer(target: string, env: Record<string, string>): Promise<FunctionServer> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, `--target=${target}`, '--signature-type=cloudevent', `--source=functions/${target}/index.ts`, `--port=${port}`],
    { env: { ...process.env, METADATA_SERVER_DETECTION: 'none', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return served(target, child, port);
}

/**
 * A function started from an installed artefact the way Cloud Run starts it:
 * the buildpack's web process is `node_modules/.bin/functions-framework` with
 * no arguments, and the platform sets FUNCTION_TARGET, FUNCTION_SIGNATURE_TYPE
 * and PORT. The process sees only those, the variables given, and PATH and HOME.
 */
export async function startDeployedFunction(dir: string, target: string, env: Record<string, string>): Promise<FunctionServer> {
  const port = await freePort();
  const child = spawn('/bin/bash', ['-c', join('node_modules', '.bin', 'functions-framework')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      METADATA_SERVER_DETECTION: 'none',
      ...env,
      FUNCTION_TARGET: target,
      FUNCTION_SIGNATURE_TYPE: 'cloudevent',
      K_SERVICE: target,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return served(target, child, port);
}

async function served(target: string, child: ChildProcess, port: number): Promise<FunctionServer> {
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!log.includes('Serving function')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`functions-framework ${target} did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid!,
    logs: () => log,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
