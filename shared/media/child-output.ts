import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, FramesiftError } from '../errors.ts';

/** Large enough for a whole 256×256 RGB frame in one read when the child has written it. */
const READ_BUFFER_BYTES = 256 * 1024;

/** Takes bytes until it is full: `write` returns how many of `data`'s bytes it took. */
export interface ByteSink {
  write(data: Uint8Array): number;
  readonly full: boolean;
}

/** A sink of a fixed number of bytes: the buffer given, filled again after each `reset`. */
export class FixedBytes implements ByteSink {
  readonly bytes: Uint8Array;
  #filled = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  reset(): this {
    this.#filled = 0;
    return this;
  }

  get full(): boolean {
    return this.#filled === this.bytes.length;
  }

  write(data: Uint8Array): number {
    const take = Math.min(data.length, this.bytes.length - this.#filled);
    this.bytes.set(data.subarray(0, take), this.#filled);
    this.#filled += take;
    return take;
  }
}

/**
 * A child process's standard output as one end of a local stream socket, read
 * here into a single buffer this process owns. A child's stdout pipe allocates
 * a fresh 64 KB buffer for every read, outside V8's heap, all garbage to
 * collect: about 2,200 of them for the bench video, and node's CPU time for it
 * fell by about a quarter without them.
 *
 * The socket is read only while a sink is waiting, and paused otherwise, so the
 * buffer is never written while its bytes are still unread.
 */
export class ChildOutput {
  /** The end to give the child as its stdout; `handedOver()` closes this process's copy of it. */
  readonly childEnd: net.Socket;
  readonly #socket: net.Socket;
  readonly #buffer: Uint8Array;
  /** Bytes read and not yet taken: the socket is paused while there are any. */
  #unread: Uint8Array | null = null;
  #sink: ByteSink | null = null;
  #wake: (() => void) | null = null;
  #ended = false;
  #error: Error | undefined;

  private constructor(socket: net.Socket, childEnd: net.Socket, buffer: Uint8Array) {
    this.#socket = socket;
    this.childEnd = childEnd;
    this.#buffer = buffer;
    const finish = (error?: Error) => {
      this.#ended = true;
      this.#error ??= error;
      this.#notify();
    };
    socket.once('error', finish);
    socket.once('close', () => finish());
  }

  /** Listens on a socket in a private temporary directory, connects to it, and removes the directory once connected. */
  static async open(): Promise<ChildOutput> {
    let dir: string;
    try {
      dir = mkdtempSync(join(tmpdir(), 'framesift-'));
    } catch (error) {
      throw new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `Expected to create a directory for ffmpeg's output socket in ${tmpdir()} but ${(error as Error).message}`, { cause: error });
    }
    const server = net.createServer();
    const buffer = new Uint8Array(READ_BUFFER_BYTES);
    let output: ChildOutput | undefined;
    try {
      const path = join(dir, 'out.sock');
      await new Promise<void>((resolve, reject) => server.once('error', reject).listen(path, resolve));
      const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
      const socket = net.connect({
        path,
        onread: { buffer, callback: (bytes: number) => output!.#read(bytes) },
      });
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      const childEnd = await accepted;
      output = new ChildOutput(socket, childEnd, buffer);
      return output;
    } catch (error) {
      throw new FramesiftError(ErrorCode.DECODER_UNAVAILABLE, `Expected to open a local socket for ffmpeg's output in ${dir} but ${(error as Error).message}`, { cause: error });
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The child has its own copy of its end now: closing this one lets the child's exit end the stream. */
  handedOver(): void {
    this.childEnd.destroy();
  }

  /** Fills `sink` from the child's output; false if the output ended (and whatever part of a sink it filled is dropped). */
  async fill(sink: ByteSink): Promise<boolean> {
    if (this.#unread) {
      const taken = sink.write(this.#unread);
      this.#unread = taken < this.#unread.length ? this.#unread.subarray(taken) : null;
      if (!this.#unread && !this.#ended) this.#socket.resume();
    }
    while (!sink.full) {
      if (this.#ended) {
        if (this.#error) throw this.#error;
        return false;
      }
      this.#sink = sink;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#sink = null;
    }
    return true;
  }

  /** Waits for the child's first bytes, leaving them for the next `fill`; false if the output ended without any. */
  ready(): Promise<boolean> {
    let seen = false;
    return this.fill({
      get full() {
        return seen;
      },
      write() {
        seen = true;
        return 0;
      },
    });
  }

  /** Ends the output with `error`: the next `fill` rejects with it. */
  fail(error: Error): void {
    this.#socket.destroy(error);
  }

  destroy(): void {
    this.#socket.destroy();
    this.childEnd.destroy();
  }

  /** The socket's read callback: false pauses it, keeping the buffer's bytes for the next `fill`. */
  #read(bytes: number): boolean {
    const data = this.#buffer.subarray(0, bytes);
    const sink = this.#sink;
    const taken = sink ? sink.write(data) : 0;
    if (taken === bytes) {
      if (sink?.full) this.#notify();
      return true;
    }
    this.#unread = data.subarray(taken);
    this.#notify();
    return false;
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }
}
