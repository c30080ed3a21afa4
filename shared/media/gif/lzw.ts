/**
 * GIF's variable-width LZW, decoded straight from the file's sub-blocks into
 * an index buffer. Every string in the table has already been written once to
 * the output, so a code is stored as where that copy starts and how long it
 * is, and emitting it is a forward copy within the buffer: no prefix chains
 * to follow and nothing allocated per code. LZW is most of a GIF's decoding time.
 */

/** Strings at least this long are copied with copyWithin, whose call costs more than a short loop. */
const LONG_STRING = 24;

/** GIF codes are at most 12 bits wide. */
const MAX_CODES = 4096;

export interface LzwOutcome {
  /** Pixels written, at most the limit asked for. */
  pixels: number;
  /** What was wrong with the data, when it was: a bad code or a minimum code size outside 1–11. */
  problem: string | null;
}

export class LzwDecoder {
  /** Output position of a code's string (codes below the clear code are their own index). */
  readonly #start = new Int32Array(MAX_CODES);
  readonly #length = new Uint16Array(MAX_CODES);

  /** Decode the image data whose minimum code size byte is at `at` into `out[0 .. limit)`. */
  decode(bytes: Uint8Array, at: number, out: Uint8Array, limit: number): LzwOutcome {
    const start = this.#start;
    const length = this.#length;
    const minSize = bytes[at]!;
    if (minSize < 1 || minSize > 11) return { pixels: 0, problem: `LZW minimum code size ${minSize} is outside 1–11` };
    const clear = 1 << minSize;
    const end = clear + 1;
    for (let i = 0; i < clear; i++) length[i] = 1;
    let size = minSize + 1;
    let mask = (1 << size) - 1;
    let next = clear + 2;
    let previous = -1;
    let previousAt = 0;
    let pos = at + 1;
    let blockEnd = pos;
    let acc = 0;
    let bits = 0;
    let written = 0;
    let problem: string | null = null;

    decoding: while (written < limit) {
      while (bits < size) {
        if (pos >= blockEnd) {
          // The next sub-block; a zero length (or the end of the file) ends the data without an end code.
          if (pos >= bytes.length) break decoding;
          const blockLength = bytes[pos]!;
          if (blockLength === 0) break decoding;
          pos += 1;
          blockEnd = Math.min(bytes.length, pos + blockLength);
          continue;
        }
        acc |= bytes[pos++]! << bits;
        bits += 8;
      }
      const code = acc & mask;
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
          problem = `LZW code ${code} before any string was defined`;
          break;
        }
      } else if (code > next || (code === next && next >= MAX_CODES)) {
        problem = `LZW code ${code} beyond the next free code ${next}`;
        break;
      } else if (next < MAX_CODES) {
        // The new entry is the previous string plus the first index of this one, which follows it in the output.
        start[next] = previousAt;
        length[next] = length[previous]! + 1;
        next++;
        if (next > mask && size < 12) {
          size++;
          mask = (1 << size) - 1;
        }
      }

      const n = Math.min(length[code]!, limit - written);
      const from = start[code]!;
      if (code < clear) {
        out[written] = code;
      } else if (n >= LONG_STRING && from + n <= written) {
        // A long string that ends before this one starts: one native copy.
        out.copyWithin(written, from, from + n);
      } else {
        // Forward, byte by byte: for a code defined by this very step the copy reads the byte it has just written.
        for (let i = 0; i < n; i++) out[written + i] = out[from + i]!;
      }
      previousAt = written;
      written += n;
      previous = code;
    }
    return { pixels: written, problem };
  }
}
