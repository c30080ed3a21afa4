import { readSync } from 'node:fs';

/**
 * Random access to a GIF's bytes without holding the file: the scan walks it
 * through a window, and each frame's bytes are read when it is drawn, so memory
 * follows the largest frame, not the file.
 */
export interface ByteSource {
  readonly length: number;
  /** Bytes [at, at + length), cut at the end of the data; the view is valid until the next read. */
  read(at: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { length: bytes.length, read: (at, length) => bytes.subarray(at, Math.min(bytes.length, at + length)) };
}

export function fileSource(fd: number, size: number): ByteSource {
  let buffer = new Uint8Array(64 * 1024);
  return {
    length: size,
    read(at, length) {
      const n = Math.max(0, Math.min(length, size - at));
      if (n > buffer.length) buffer = new Uint8Array(Math.max(n, buffer.length * 2));
      for (let done = 0; done < n; ) {
        const got = readSync(fd, buffer, done, n - done, at + done);
        if (got === 0) return buffer.subarray(0, done);
        done += got;
      }
      return buffer.subarray(0, n);
    },
  };
}

/** Sequential reads with skips, as the block scan does them, through one window of the source. */
export class ByteWindow {
  static readonly SIZE = 64 * 1024;
  readonly length: number;
  readonly #source: ByteSource;
  #start = 0;
  #data: Uint8Array = new Uint8Array(0);

  constructor(source: ByteSource) {
    this.#source = source;
    this.length = source.length;
  }

  byte(at: number): number {
    if (at < this.#start || at >= this.#start + this.#data.length) this.#load(at, 1);
    return this.#data[at - this.#start] ?? 0;
  }

  /** `length` bytes from `at`, contiguous (a copy, so it outlives the window). */
  bytes(at: number, length: number): Uint8Array {
    if (at < this.#start || at + length > this.#start + this.#data.length) this.#load(at, length);
    return this.#data.slice(at - this.#start, at - this.#start + length);
  }

  #load(at: number, length: number): void {
    this.#start = at;
    this.#data = this.#source.read(at, Math.max(length, ByteWindow.SIZE));
  }
}
