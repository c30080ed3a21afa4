/**
 * The object store on one machine: a folder per bucket under one root.
 * A generation is the file's modification time in nanoseconds; "write if
 * absent" writes a temporary file and hard-links it into place, which fails
 * atomically if the name exists, so readers never see a half-written object.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import type { ObjectInfo, ObjectRef, ObjectStore } from '../../pipeline/ports.ts';

export class FolderStore implements ObjectStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** The local path of an object; refuses names that would leave the bucket's folder. */
  pathOf({ bucket, name }: ObjectRef): string {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(bucket)) throw new RangeError(`Expected a bucket name but found ${bucket}`);
    if (name === '' || name.startsWith('/') || name.split('/').some((s) => s === '..' || s === '.')) {
      throw new RangeError(`Expected an object name without "..", "." or a leading "/" but found ${name}`);
    }
    return join(this.root, bucket, ...name.split('/'));
  }

  async stat(ref: ObjectRef): Promise<ObjectInfo | null> {
    try {
      const s = await stat(this.pathOf(ref), { bigint: true });
      return s.isFile() ? { ...ref, generation: s.mtimeNs.toString(), size: Number(s.size) } : null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  read(ref: ObjectRef): Promise<Buffer> {
    return readFile(this.pathOf(ref));
  }

  createReadStream(ref: ObjectRef): Readable {
    return createReadStream(this.pathOf(ref));
  }

  async download(ref: ObjectRef, path: string): Promise<void> {
    await pipeline(createReadStream(this.pathOf(ref)), createWriteStream(path));
  }

  async writeIfAbsent(ref: ObjectRef, data: Buffer | string, _contentType: string): Promise<boolean> {
    const path = this.pathOf(ref);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.tmp`;
    await writeFile(temporary, data);
    try {
      await link(temporary, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(temporary);
    }
  }

  /**
   * Uploads a local file, like `gcloud storage rsync`: identical bytes keep the
   * object and its generation, so uploading the same input twice is one upload.
   */
  async upload(from: string, ref: ObjectRef): Promise<ObjectInfo> {
    const path = this.pathOf(ref);
    const existing = await this.stat(ref);
    if (existing && (await sameBytes(from, path))) return existing;
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${randomUUID()}.tmp`;
    await copyFile(from, temporary);
    await rename(temporary, path);
    return (await this.stat(ref))!;
  }

  async replace(ref: ObjectRef, data: Buffer | string, _contentType: string): Promise<void> {
    const path = this.pathOf(ref);
    await mkdir(dirname(path), { recursive: true });
    const partial = `${path}.${randomUUID()}.tmp`;
    await writeFile(partial, data);
    await rename(partial, path);
  }

  async delete(ref: ObjectRef): Promise<void> {
    await unlink(this.pathOf(ref)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  async *list(bucket: string, prefix: string): AsyncIterable<ObjectInfo> {
    const folder = join(this.root, bucket);
    // Only the prefix's own folder is walked: the inbox is listed often, beside millions of packs.
    const start = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    let entries: string[];
    try {
      entries = (await readdir(join(folder, ...start.split('/')), { recursive: true })).map((entry) => (start ? join(start, entry) : entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const names = entries
      .map((entry) => relative(folder, join(folder, entry)).split(sep).join('/'))
      .filter((name) => name.startsWith(prefix) && !name.endsWith('.tmp'))
      .sort();
    for (const name of names) {
      const info = await this.stat({ bucket, name });
      if (info) yield info;
    }
  }
}

async function sameBytes(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([stat(a), stat(b)]);
  if (x.size !== y.size) return false;
  const [bytesA, bytesB] = await Promise.all([readFile(a), readFile(b)]);
  return bytesA.equals(bytesB);
}
