/**
 * The functions' source as a zip whose bytes depend only on the files' paths
 * and contents: entries in name order, a fixed timestamp and mode, one
 * compression level. The same code gives the same archive and the same object
 * name (its SHA-256), so `pulumi up` with no change is a no-op and any code
 * change redeploys.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import yazl from 'yazl';

/** What Cloud Build needs to install and run the functions: the manifest, the lockfile and the code. */
export const SOURCE_ENTRIES = ['package.json', 'package-lock.json', 'shared', 'functions'];
const FIXED_TIME = new Date('1980-01-01T00:00:00Z');
const FILE_MODE = 0o100644;

export interface SourceArchive {
  bytes: Buffer;
  sha256: string;
  files: string[];
}

export function sourceFiles(root: string, entries = SOURCE_ENTRIES): string[] {
  const files: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) walk(join(path, name));
    } else {
      files.push(relative(root, path).split(sep).join('/'));
    }
  };
  for (const entry of entries) walk(join(root, entry));
  return files.sort();
}

export async function packageSource(root: string, entries = SOURCE_ENTRIES): Promise<SourceArchive> {
  const files = sourceFiles(root, entries);
  const zip = new yazl.ZipFile();
  for (const file of files) zip.addBuffer(readFileSync(join(root, file)), file, { mtime: FIXED_TIME, mode: FILE_MODE, compress: true });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), files };
}
