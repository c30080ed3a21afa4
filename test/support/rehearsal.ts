/**
 * What Google's build and runtime do to the archive that `pulumi up`
 * uploads, rehearsed on this machine: unpack it into an empty folder, run
 * `node --check` on the package's `main` (the functions buildpack's syntax
 * check), install it as the npm buildpack does (`npm ci`, production
 * dependencies only, with NODE_ENV=production and none of our environment),
 * and start functions from it as the web process does.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import yauzl from 'yauzl';

export type RehearsalStep = 'unpack' | 'check' | 'install';

export class RehearsalError extends Error {
  override readonly name = 'RehearsalError';
  constructor(
    readonly step: RehearsalStep,
    message: string,
  ) {
    super(`${step}: ${message}`);
  }
}

/** Unpacks, checks and installs the archive in `dir` (which must be empty). */
export async function buildLikeCloudBuild(archive: Buffer, dir: string): Promise<void> {
  await unpack(archive, dir);
  checkMain(dir);
  installProduction(dir);
}

export async function unpack(archive: Buffer, dir: string): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(archive, { lazyEntries: true }, (error, file) => (error ? reject(new RehearsalError('unpack', error.message)) : resolve(file))),
  );
  const names: string[] = [];
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', () => resolve());
    zip.on('entry', (entry: yauzl.Entry) => {
      const path = normalize(entry.fileName);
      if (path.startsWith('..') || path.startsWith('/')) return reject(new RehearsalError('unpack', `entry ${entry.fileName} points outside the folder`));
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mkdirSync(dirname(join(dir, path)), { recursive: true });
          writeFileSync(join(dir, path), Buffer.concat(chunks));
          names.push(path);
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return names;
}

/** The buildpack's first check: `main` must exist and parse as what Node runs. */
export function checkMain(dir: string): string {
  const { main } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main?: string };
  if (!main) throw new RehearsalError('check', 'package.json has no main');
  const result = spawnSync(process.execPath, ['--check', main], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (result.status !== 0) throw new RehearsalError('check', `node --check ${main} failed:\n${result.stderr}`);
  return main;
}

/** `npm ci` as the npm buildpack runs it. The registry answers from npm's cache when it can. */
export function installProduction(dir: string): void {
  const result = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
  });
  if (result.status !== 0) throw new RehearsalError('install', `npm ci --omit=dev failed:\n${result.stderr}`);
}
