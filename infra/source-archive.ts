/**
 * The functions' source as `pulumi up` uploads it: the built JavaScript, its
 * package.json and its lockfile, zipped so that the bytes depend only on the
 * files' paths and contents (entries in name order, a fixed timestamp and
 * mode, one compression level). The same code gives the same archive and the
 * same object name (its SHA-256), so `pulumi up` with no change is a no-op and
 * any code change redeploys.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { bundleFunctions, deployedManifest, prunedLockfile, type BuiltFile } from './function-build.ts';

const FIXED_TIME = new Date('1980-01-01T00:00:00Z');
const FILE_MODE = 0o100644;

export interface SourceArchive {
  bytes: Buffer;
  sha256: string;
  files: string[];
}

/** Everything the buildpack needs, as files: built code, manifest, lockfile. */
export async function functionSourceFiles(root: string): Promise<BuiltFile[]> {
  const built = await bundleFunctions(root);
  const manifest = deployedManifest(readJson(join(root, 'package.json')), built.packages);
  const lock = prunedLockfile(readJson(join(root, 'package-lock.json')), manifest);
  return [
    ...built.files,
    { path: 'package.json', bytes: jsonBytes(manifest) },
    { path: 'package-lock.json', bytes: jsonBytes(lock) },
  ].sort((a, b) => a.path.localeCompare(b.path));
}

export async function packageSource(root: string): Promise<SourceArchive> {
  return zipFiles(await functionSourceFiles(root));
}

export async function zipFiles(files: readonly BuiltFile[]): Promise<SourceArchive> {
  const ordered = [...files].sort((a, b) => a.path.localeCompare(b.path));
  const zip = new yazl.ZipFile();
  for (const file of ordered) zip.addBuffer(file.bytes, file.path, { mtime: FIXED_TIME, mode: FILE_MODE, compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), files: ordered.map((f) => f.path) };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}
