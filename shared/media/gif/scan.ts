/**
 * A first walk over a GIF's block structure, reading no pixel data: canvas
 * size, palettes, loop count and, for every frame, its rectangle, graphic
 * control and where its LZW data starts. It is cheap (it skips sub-blocks by
 * their lengths), so every limit can be checked before any pixel memory is
 * allocated, and it is how libnsgif (libvips' GIF decoder) learns a file too.
 */
import { ErrorCode, FramesiftError } from '../../errors.ts';
import { ByteWindow, bytesSource, type ByteSource } from './bytes.ts';

/** libnsgif's disposal codes; 4 is an old encoder's spelling of 3 and is read as 3. */
export const Disposal = Object.freeze({ NONE: 0, KEEP: 1, RESTORE_BACKGROUND: 2, RESTORE_PREVIOUS: 3 });

export interface GifFrameInfo {
  left: number;
  top: number;
  width: number;
  height: number;
  interlaced: boolean;
  /** Offset of the frame's palette (RGB triples) in the file, or -1 for the global one. */
  paletteOffset: number;
  paletteEntries: number;
  /** -1 when the frame has no transparent index. */
  transparentIndex: number;
  disposal: number;
  /** As the file says, in milliseconds (centiseconds × 10). */
  delayMs: number;
  /** Offset of the LZW minimum code size byte. */
  dataOffset: number;
  /** The frame's bytes in the file: from its palette (or its data) to the end of its data. */
  start: number;
  end: number;
}

export interface GifLayout {
  /** Canvas size: the logical screen, enlarged by the first frame where it sticks out. */
  width: number;
  height: number;
  /** The global palette (RGB triples), or null when there is none. */
  palette: Uint8Array | null;
  paletteEntries: number;
  backgroundIndex: number;
  /** 0 plays forever; a missing NETSCAPE block plays once (libvips' convention). */
  loopCount: number;
  frames: GifFrameInfo[];
  /** Why the walk stopped before a trailer, if it did. */
  truncated: string | null;
}

/** A frame without a graphic control block plays for 100 ms and has no transparency, as in libnsgif. */
const DEFAULT_DELAY_MS = 100;
const EXTENSION = 0x21;
const IMAGE = 0x2c;
const TRAILER = 0x3b;
const GRAPHIC_CONTROL = 0xf9;
const APPLICATION = 0xff;

class EndOfData extends Error {}

export function scanGif(input: ByteSource | Uint8Array, maxFrames: number): GifLayout {
  const bytes = new ByteWindow(input instanceof Uint8Array ? bytesSource(input) : input);
  if (bytes.length < 13) {
    throw new FramesiftError(ErrorCode.CORRUPT_INPUT, `Expected a 13-byte GIF header and screen descriptor but the file has ${bytes.length} bytes`);
  }
  const byte = (at: number) => bytes.byte(at);
  const u16 = (at: number) => byte(at) | (byte(at + 1) << 8);
  const screenFlags = byte(10);
  const layout: GifLayout = {
    width: u16(6),
    height: u16(8),
    palette: null,
    paletteEntries: 0,
    backgroundIndex: byte(11),
    loopCount: 1,
    frames: [],
    truncated: null,
  };
  let at = 13;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new EndOfData();
  };
  // Sub-blocks end at a zero length byte; returns where they end.
  const skipSubBlocks = () => {
    for (;;) {
      need(1);
      const length = byte(at);
      at += 1;
      if (length === 0) return;
      need(length);
      at += length;
    }
  };

  let control: Pick<GifFrameInfo, 'transparentIndex' | 'disposal' | 'delayMs'> | null = null;
  try {
    if (screenFlags & 0x80) {
      layout.paletteEntries = 2 << (screenFlags & 7);
      need(layout.paletteEntries * 3);
      layout.palette = bytes.bytes(at, layout.paletteEntries * 3);
      at += layout.paletteEntries * 3;
    }
    for (;;) {
      need(1);
      const block = byte(at);
      at += 1;
      if (block === TRAILER) break;
      if (block === EXTENSION) {
        need(1);
        const label = byte(at);
        at += 1;
        const start = at;
        if (label === GRAPHIC_CONTROL && at < bytes.length && byte(at) >= 4) {
          need(5);
          const flags = byte(at + 1);
          const disposal = (flags >> 2) & 7;
          control = {
            disposal: disposal === 4 ? Disposal.RESTORE_PREVIOUS : disposal,
            delayMs: u16(at + 2) * 10,
            transparentIndex: flags & 1 ? byte(at + 4) : -1,
          };
        } else if (label === APPLICATION && at + 16 < bytes.length && byte(at) === 11) {
          const name = String.fromCharCode(...bytes.bytes(at + 1, 11));
          if ((name === 'NETSCAPE2.0' || name === 'ANIMEXTS1.0') && byte(at + 12) >= 3 && byte(at + 13) === 1) {
            const loops = u16(at + 14);
            // The file counts repeats after the first play; 0 means forever.
            layout.loopCount = loops === 0 ? 0 : loops + 1;
          }
        }
        at = start;
        skipSubBlocks();
        continue;
      }
      if (block !== IMAGE) {
        layout.truncated = `unexpected byte 0x${block.toString(16).padStart(2, '0')} at offset ${at - 1}`;
        break;
      }
      need(9);
      const flags = byte(at + 8);
      const frame: GifFrameInfo = {
        left: u16(at),
        top: u16(at + 2),
        width: u16(at + 4),
        height: u16(at + 6),
        interlaced: (flags & 0x40) !== 0,
        paletteOffset: -1,
        paletteEntries: 0,
        transparentIndex: control?.transparentIndex ?? -1,
        disposal: control?.disposal ?? Disposal.NONE,
        delayMs: control?.delayMs ?? DEFAULT_DELAY_MS,
        dataOffset: 0,
        start: 0,
        end: 0,
      };
      // A graphic control block governs the one image that follows it, never later ones.
      control = null;
      at += 9;
      frame.start = at;
      if (flags & 0x80) {
        frame.paletteEntries = 2 << (flags & 7);
        need(frame.paletteEntries * 3);
        frame.paletteOffset = at;
        at += frame.paletteEntries * 3;
      }
      need(1);
      frame.dataOffset = at;
      if (layout.frames.length === 0) {
        // libnsgif lets the first frame enlarge the canvas; later frames are clipped to it.
        layout.width = Math.max(layout.width, frame.left + frame.width);
        layout.height = Math.max(layout.height, frame.top + frame.height);
      }
      layout.frames.push(frame);
      if (layout.frames.length > maxFrames) break;
      at += 1;
      // A frame whose data runs past the end of the file keeps what there is.
      frame.end = bytes.length;
      skipSubBlocks();
      frame.end = at;
    }
  } catch (error) {
    if (!(error instanceof EndOfData)) throw error;
    layout.truncated = `the file ends inside a block at offset ${at}`;
  }
  return layout;
}
