/**
 * GIF's variable-width LZW (shared/media/gif/lzw.ts states the method): decoded from the image's
 * sub-blocks into an index buffer, each code kept as where its string's first copy starts in the
 * output and how long it is, so emitting a code is a forward copy within the output.
 */

const MAX_CODES = 4096;
/** Problems, written to `status` with the offending value. */
export const LZW_BAD_MIN_SIZE = 1;
export const LZW_CODE_BEFORE_STRING = 2;
export const LZW_CODE_BEYOND_NEXT = 3;

/**
 * Decode the image data whose minimum code size byte is at `bytes + at` (the data ends at
 * `bytes + length`) into `out[0 .. limit)`. Returns the pixels written; `status` gets a problem
 * code and its value, or 0. `table` has room for 4096 i32 starts and 4096 u16 lengths.
 */
export function lzwDecode(bytes: usize, length: i32, at: i32, out: usize, limit: i32, table: usize, status: usize): i32 {
  const starts = table;
  const lengths = table + (MAX_CODES << 2);
  store<i32>(status, 0);
  const minSize = <i32>load<u8>(bytes + at);
  if (minSize < 1 || minSize > 11) {
    store<i32>(status, LZW_BAD_MIN_SIZE);
    store<i32>(status, minSize, 4);
    return 0;
  }
  const clear = 1 << minSize;
  const end = clear + 1;
  for (let i = 0; i < clear; i++) store<u16>(lengths + (<usize>i << 1), 1);
  let size = minSize + 1;
  let mask = (1 << size) - 1;
  let next = clear + 2;
  let previous = -1;
  let previousAt = 0;
  let pos = at + 1;
  let blockEnd = pos;
  let acc: u32 = 0;
  let bits = 0;
  let written = 0;

  while (written < limit) {
    let ended = false;
    while (bits < size) {
      if (pos >= blockEnd) {
        // The next sub-block; a zero length (or the end of the data) ends the data without an end code.
        if (pos >= length) { ended = true; break; }
        const blockLength = <i32>load<u8>(bytes + pos);
        if (blockLength === 0) { ended = true; break; }
        pos += 1;
        blockEnd = min(length, pos + blockLength);
        continue;
      }
      acc |= <u32>load<u8>(bytes + pos) << bits;
      pos++;
      bits += 8;
    }
    if (ended) break;
    const code = <i32>(acc & <u32>mask);
    acc >>>= size;
    bits -= size;

    if (code === clear) {
      size = minSize + 1;
      mask = (1 << size) - 1;
      next = clear + 2;
      previous = -1;
      continue;
    }
    if (code === end) break;
    if (previous < 0) {
      if (code > clear) {
        store<i32>(status, LZW_CODE_BEFORE_STRING);
        store<i32>(status, code, 4);
        break;
      }
    } else if (code > next || (code === next && next >= MAX_CODES)) {
      store<i32>(status, LZW_CODE_BEYOND_NEXT);
      store<i32>(status, code, 4);
      store<i32>(status, next, 8);
      break;
    } else if (next < MAX_CODES) {
      // The new entry is the previous string plus the first index of this one, which follows it in the output.
      store<i32>(starts + (<usize>next << 2), previousAt);
      store<u16>(lengths + (<usize>next << 1), load<u16>(lengths + (<usize>previous << 1)) + 1);
      next++;
      if (next > mask && size < 12) {
        size++;
        mask = (1 << size) - 1;
      }
    }

    const n = min(<i32>load<u16>(lengths + (<usize>code << 1)), limit - written);
    if (code < clear) {
      store<u8>(out + written, <u8>code);
    } else {
      const from = load<i32>(starts + (<usize>code << 2));
      if (from + n <= written) {
        memory.copy(out + written, out + from, n);
      } else {
        // Forward, byte by byte: for a code defined by this very step the copy reads the byte it has just written.
        for (let i = 0; i < n; i++) store<u8>(out + written + i, load<u8>(out + from + i));
      }
    }
    previousAt = written;
    written += n;
    previous = code;
  }
  return written;
}

/**
 * Paint `pixels` decoded indices of a frame `frameWidth` wide at (left, top) of the canvas, through a
 * 256-entry RGBA `palette`, leaving `transparent` indices (−1: none) as they are. The canvas is at
 * `canvas`, `canvasHeight` rows of `canvasWidth` words; rows below it are skipped, and so are the
 * columns past `width`. An interlaced frame's rows come in GIF's four passes.
 */
export function paintIndices(
  indices: usize, pixels: i32, frameWidth: i32, frameHeight: i32, interlaced: bool, width: i32,
  palette: usize, transparent: i32, canvas: usize, canvasWidth: i32, canvasHeight: i32, left: i32, top: i32,
): void {
  const decodedRows = (pixels + frameWidth - 1) / frameWidth;
  for (let k = 0; k < decodedRows; k++) {
    const y = top + (interlaced ? interlacedRow(k, frameHeight) : k);
    if (y >= canvasHeight) continue;
    const from = k * frameWidth;
    const count = min(width, pixels - from);
    const row = canvas + (<usize>(y * canvasWidth + left) << 2);
    const source = indices + <usize>from;
    if (transparent < 0) {
      for (let i = 0; i < count; i++) store<u32>(row + (<usize>i << 2), load<u32>(palette + (<usize>load<u8>(source + i) << 2)));
      continue;
    }
    for (let i = 0; i < count; i++) {
      const index = <i32>load<u8>(source + i);
      if (index !== transparent) store<u32>(row + (<usize>i << 2), load<u32>(palette + (<usize>index << 2)));
    }
  }
}

/** Row of the k-th decoded row of an interlaced image: every 8th from 0, every 8th from 4, every 4th from 2, every 2nd from 1. */
function interlacedRow(k: i32, height: i32): i32 {
  const first = (height + 7) >> 3;
  if (k < first) return k << 3;
  k -= first;
  const second = (height + 3) >> 3;
  if (k < second) return (k << 3) + 4;
  k -= second;
  const third = (height + 1) >> 2;
  if (k < third) return (k << 2) + 2;
  return ((k - third) << 1) + 1;
}
