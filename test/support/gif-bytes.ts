/**
 * GIFs written block by block, for the cases encoders never produce: no
 * palette at all, frames outside the canvas, a first frame larger than the
 * screen, disposal 4, plain-text extensions, frames without a control block.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CraftedFrame {
  left?: number;
  top?: number;
  width: number;
  height: number;
  /** One palette index per pixel, row by row. */
  indices: number[];
  /** Own palette as [r, g, b] entries (padded to a power of two). */
  palette?: Array<[number, number, number]>;
  interlaced?: boolean;
  /** A graphic control block before the image; omitted when undefined. */
  control?: { disposal?: number; delayCs?: number; transparentIndex?: number };
  /** A plain-text extension (with its own control block) just before the image. */
  plainTextBefore?: boolean;
}

export interface CraftedGif {
  width: number;
  height: number;
  palette?: Array<[number, number, number]>;
  backgroundIndex?: number;
  loops?: number;
  frames: CraftedFrame[];
}

export function craftGif(gif: CraftedGif): Uint8Array {
  const out: number[] = [...'GIF89a'].map((c) => c.charCodeAt(0));
  const u16 = (n: number) => out.push(n & 255, n >> 8);
  u16(gif.width);
  u16(gif.height);
  const global = gif.palette ? paletteBytes(gif.palette) : null;
  out.push(global ? 0x80 | global.sizeBits : 0, gif.backgroundIndex ?? 0, 0);
  if (global) out.push(...global.bytes);
  if (gif.loops !== undefined) {
    out.push(0x21, 0xff, 11, ...[...'NETSCAPE2.0'].map((c) => c.charCodeAt(0)), 3, 1, gif.loops & 255, gif.loops >> 8, 0);
  }
  for (const frame of gif.frames) {
    if (frame.plainTextBefore) {
      out.push(0x21, 0xf9, 4, 0, 0, 0, 0, 0);
      out.push(0x21, 0x01, 12, 0, 0, 0, 0, 8, 0, 8, 0, 8, 8, 1, 0, 2, 0x48, 0x49, 0);
    }
    if (frame.control) {
      const { disposal = 0, delayCs = 10, transparentIndex } = frame.control;
      out.push(0x21, 0xf9, 4, (disposal << 2) | (transparentIndex === undefined ? 0 : 1), delayCs & 255, delayCs >> 8, transparentIndex ?? 0, 0);
    }
    out.push(0x2c);
    u16(frame.left ?? 0);
    u16(frame.top ?? 0);
    u16(frame.width);
    u16(frame.height);
    const local = frame.palette ? paletteBytes(frame.palette) : null;
    out.push((local ? 0x80 | local.sizeBits : 0) | (frame.interlaced ? 0x40 : 0));
    if (local) out.push(...local.bytes);
    const rows = frame.interlaced ? interlace(frame.indices, frame.width, frame.height) : frame.indices;
    out.push(...lzwLiterals(rows, 8));
  }
  out.push(0x3b);
  return Uint8Array.from(out);
}

export function writeCrafted(dir: string, name: string, gif: CraftedGif): string {
  const path = join(dir, name);
  writeFileSync(path, craftGif(gif));
  return path;
}

function paletteBytes(entries: Array<[number, number, number]>): { sizeBits: number; bytes: number[] } {
  let sizeBits = 0;
  while (2 << sizeBits < entries.length) sizeBits++;
  const bytes = new Array<number>((2 << sizeBits) * 3).fill(0);
  entries.forEach((rgb, i) => bytes.splice(i * 3, 3, ...rgb));
  return { sizeBits, bytes };
}

function interlace(indices: number[], width: number, height: number): number[] {
  const order: number[] = [];
  for (const [start, step] of [[0, 8], [4, 8], [2, 4], [1, 2]] as const) for (let y = start; y < height; y += step) order.push(y);
  return order.flatMap((y) => indices.slice(y * width, (y + 1) * width));
}

/**
 * Image data as literal codes only, with a clear code before the table would
 * widen the codes: valid LZW that any decoder must read, simple to write.
 */
function lzwLiterals(indices: number[], minSize: number): number[] {
  const clear = 1 << minSize;
  const size = minSize + 1;
  const perClear = (1 << minSize) - 2;
  const codes: number[] = [];
  indices.forEach((index, i) => {
    if (i % perClear === 0) codes.push(clear);
    codes.push(index);
  });
  codes.push(clear + 1);
  const packed: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const code of codes) {
    acc |= code << bits;
    bits += size;
    while (bits >= 8) {
      packed.push(acc & 255);
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) packed.push(acc & 255);
  const out = [minSize];
  for (let i = 0; i < packed.length; i += 255) {
    const block = packed.slice(i, i + 255);
    out.push(block.length, ...block);
  }
  out.push(0);
  return out;
}
