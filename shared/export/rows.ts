/**
 * The export's input: one row per clip, in ascending key order, each with its
 * key frames as S×S PNGs. Nothing here knows where rows come from.
 */
import { ExportError, ExportErrorCode } from './errors.ts';

export interface ExportKeyFrame {
  /** Position among the clip's key frames, 0-based. */
  ordinal: number;
  /** The frame's index in the decoded clip. */
  frameIndex: number;
  timeMs: number;
  /** An S×S PNG (S = the row's size). */
  png: Buffer;
}

export interface ExportMetrics {
  motionScore: number | null;
  energyMax: number | null;
  energyMean: number | null;
  isStatic: boolean | null;
  diversityMin: number | null;
  diversityMean: number | null;
  diversityMax: number | null;
}

export interface ExportRow {
  /** Stable and unique; the sort order of the export and the stem of every file a sample has. */
  key: string;
  gifId: string;
  description: string | null;
  sourceUri: string;
  selection: string;
  /** S, the side of every key frame. */
  size: number;
  keyFrames: ExportKeyFrame[];
  metrics: ExportMetrics;
}

/**
 * Safe as a file-name stem and as an object name. A dot is allowed by the
 * Parquet format but not by WebDataset, whose readers take everything before
 * the first dot of a member's name as the sample's key.
 */
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function invalidRow(key: string, message: string): ExportError {
  return new ExportError(ExportErrorCode.INVALID_ROW, `Row ${JSON.stringify(key)}: ${message}`);
}

/** Checks what the writers rely on; PNG pixels are only decoded where they are used (tensor, augmentation). */
export function checkRow(row: ExportRow, options: { dotsInKey: boolean }): void {
  const { key } = row;
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw invalidRow(String(key), 'expected a key of 1–200 characters from A–Z a–z 0–9 . _ - not starting with a dot');
  }
  if (!options.dotsInKey && key.includes('.')) {
    throw invalidRow(key, "expected a key without '.' for WebDataset, whose readers split a member's name at its first dot");
  }
  if (!Number.isInteger(row.size) || row.size <= 0) throw invalidRow(key, `expected a positive integer size but found ${row.size}`);
  if (row.keyFrames.length === 0) throw invalidRow(key, 'expected at least one key frame but found none');
  const ordinals = new Set<number>();
  for (const frame of row.keyFrames) {
    if (!Number.isInteger(frame.ordinal) || frame.ordinal < 0 || ordinals.has(frame.ordinal)) {
      throw invalidRow(key, `expected unique non-negative integer ordinals but found ${frame.ordinal}`);
    }
    ordinals.add(frame.ordinal);
    if (!Number.isInteger(frame.frameIndex) || frame.frameIndex < 0 || !Number.isInteger(frame.timeMs) || frame.timeMs < 0) {
      throw invalidRow(key, `expected non-negative integer frameIndex and timeMs for key frame ${frame.ordinal}`);
    }
    const side = pngSide(frame.png);
    if (side === null) throw invalidRow(key, `key frame ${frame.ordinal} is not a PNG`);
    if (side.width !== row.size || side.height !== row.size) {
      throw invalidRow(key, `expected key frame ${frame.ordinal} to be ${row.size}×${row.size} but its PNG is ${side.width}×${side.height}`);
    }
  }
}

/** Width and height from the PNG's IHDR chunk, or null when the bytes do not start like a PNG. */
export function pngSide(png: Buffer): { width: number; height: number } | null {
  if (!Buffer.isBuffer(png) || png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (png.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/**
 * Checks that keys arrive strictly ascending, as `ORDER BY key` gives them:
 * the sort is the caller's, so a stream of any length is exported in one pass.
 * Keys are ASCII, where JavaScript's comparison and SQL's byte order agree.
 */
export class KeyOrder {
  #last: string | undefined;

  next(key: string): void {
    const last = this.#last;
    if (last !== undefined && key <= last) {
      throw new ExportError(
        ExportErrorCode.UNSORTED_KEYS,
        key === last
          ? `Expected unique keys but ${JSON.stringify(key)} came twice`
          : `Expected rows in ascending key order (ORDER BY key) but ${JSON.stringify(key)} came after ${JSON.stringify(last)}`,
      );
    }
    this.#last = key;
  }
}
