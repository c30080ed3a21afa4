/**
 * GIF's variable-width LZW, decoded straight from the file's sub-blocks into
 * an index buffer. Every string in the table has already been written once to
 * the output, so a code is stored as where that copy starts and how long it
 * is, and emitting it is a forward copy within the buffer: no prefix chains
 * to follow and nothing allocated per code. LZW is most of a GIF's decoding time,
 * so the loop is a WebAssembly kernel (shared/kernels/assembly/lzw.ts), and so is
 * painting the indices through the palette.
 */
import { stage, type Workspace } from '../../kernels/index.ts';

/** GIF codes are at most 12 bits wide: the table is 4096 starts (i32) and lengths (u16). */
const TABLE_BYTES = 4096 * 6;
const STATUS_BYTES = 12;
/** Problem codes of the kernel (shared/kernels/assembly/lzw.ts). */
const BAD_MIN_SIZE = 1;
const CODE_BEFORE_STRING = 2;
const CODE_BEYOND_NEXT = 3;

export interface LzwOutcome {
  /** Pixels written, at most the limit asked for. */
  pixels: number;
  /** What was wrong with the data, when it was: a bad code or a minimum code size outside 1–11. */
  problem: string | null;
}

/** Where and how a frame's indices are painted: the canvas (RGBA words, kept in `workspace`) and the frame's clipped rectangle on it. */
export interface PaintTarget {
  workspace: Workspace;
  canvas: number;
  canvasWidth: number;
  canvasHeight: number;
  /** The frame's rectangle clipped to the canvas; its rows are the ones painted. */
  rect: { left: number; top: number; width: number; height: number };
  frame: { width: number; height: number; interlaced: boolean; transparentIndex: number };
  /** 256 RGBA words. */
  palette: Uint32Array;
}

/**
 * Decode the image data whose minimum code size byte is at `at` (at most `limit` indices) and paint
 * them on the canvas, skipping the transparent index. Both loops are WebAssembly kernels, and the
 * canvas lies in their memory: only the frame's bytes and palette go in.
 */
export function decodeAndPaint(bytes: Uint8Array, at: number, limit: number, target: PaintTarget): LzwOutcome {
  const { workspace, canvas, canvasWidth, canvasHeight, rect, frame, palette } = target;
  const layout = workspace.scratch();
  const data = layout.take(bytes.length);
  const indices = layout.take(limit);
  const table = layout.take(TABLE_BYTES);
  const status = layout.take(STATUS_BYTES);
  const colours = layout.take(palette.byteLength);
  const memory = workspace.kernels.memory(layout);
  const run = workspace.kernels.run;
  memory.set(bytes, data);
  const pixels = run.lzwDecode(data, bytes.length, at, indices, limit, table, status);
  if (pixels > 0) {
    stage(memory, colours, palette);
    run.paintIndices(indices, pixels, frame.width, frame.height, frame.interlaced, rect.width, colours, frame.transparentIndex, canvas, canvasWidth, canvasHeight, rect.left, rect.top);
  }
  const [kind, value, next] = new Int32Array(memory.buffer, status, 3);
  return { pixels, problem: describe(kind!, value!, next!) };
}

function describe(kind: number, value: number, next: number): string | null {
  if (kind === BAD_MIN_SIZE) return `LZW minimum code size ${value} is outside 1–11`;
  if (kind === CODE_BEFORE_STRING) return `LZW code ${value} before any string was defined`;
  if (kind === CODE_BEYOND_NEXT) return `LZW code ${value} beyond the next free code ${next}`;
  return null;
}
