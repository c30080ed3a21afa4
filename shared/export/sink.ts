/**
 * Where shards and the index go. The export reads the index, writes each
 * shard once it is complete, and writes the index last, so a sink never holds
 * half a shard under a shard's name as long as `write` itself is atomic.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface ShardSink {
  /** True when an object of this name exists. */
  exists(name: string): Promise<boolean>;
  /** The object's bytes, or null when it does not exist. */
  read(name: string): Promise<Buffer | null>;
  /** Creates or replaces the object; a reader sees the old bytes or the new ones, never a part. */
  write(name: string, data: Buffer): Promise<void>;
}

/** Names are relative, `/`-separated, made of safe segments: they become object names and file paths. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

export function checkSinkName(name: string): string {
  if (!NAME.test(name) || name.split('/').includes('..')) {
    throw new RangeError(`Expected a relative name of safe segments ([A-Za-z0-9._-], no '..') but found ${JSON.stringify(name)}`);
  }
  return name;
}

/** A folder as a sink, for the local command line and the tests. */
export class FolderSink implements ShardSink {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async exists(name: string): Promise<boolean> {
    try {
      return (await stat(this.#path(name))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async read(name: string): Promise<Buffer | null> {
    try {
      return await readFile(this.#path(name));
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async write(name: string, data: Buffer): Promise<void> {
    const path = this.#path(name);
    await mkdir(dirname(path), { recursive: true });
    // Written beside the target and renamed over it: a crash mid-write leaves no file under the shard's name.
    const partial = `${path}.${randomBytes(6).toString('hex')}.partial`;
    try {
      await writeFile(partial, data);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }

  #path(name: string): string {
    return join(this.root, checkSinkName(name));
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
