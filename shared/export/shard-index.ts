/**
 * `index.json`: every shard in the sink with its split, format, rows, bytes,
 * SHA-256 and keys, and per format the settings its rows were made with. It is
 * what makes an export incremental (keys listed here are not exported again)
 * and what a reader checks shards against. No timestamps: the same shards give
 * the same index.
 */
import { ExportError, ExportErrorCode } from './errors.ts';
import type { ExportFormat, RowSettings } from './settings.ts';
import type { ShardSink } from './sink.ts';

export const INDEX_NAME = 'index.json';
const INDEX_VERSION = 1;
const EXTENSIONS: Record<ExportFormat, string> = { parquet: 'parquet', webdataset: 'tar' };
/** Six digits, as Hugging Face and WebDataset shard names go; a wider number still sorts after, never collides. */
const NUMBER_DIGITS = 6;

export interface ShardEntry {
  name: string;
  split: string;
  format: ExportFormat;
  /** The shard's number within its split and format. */
  number: number;
  rows: number;
  bytes: number;
  sha256: string;
  /** The keys it holds, ascending. */
  keys: string[];
}

export interface ShardIndex {
  version: typeof INDEX_VERSION;
  /** The row settings of each format that has shards. */
  formats: Partial<Record<ExportFormat, RowSettings>>;
  /** Sorted by name. */
  shards: ShardEntry[];
}

export function emptyIndex(): ShardIndex {
  return { version: INDEX_VERSION, formats: {}, shards: [] };
}

export function shardName(split: string, format: ExportFormat, number: number): string {
  return `${split}/${format}-${String(number).padStart(NUMBER_DIGITS, '0')}.${EXTENSIONS[format]}`;
}

/** The index in the sink, or null when there is none yet. */
export async function readIndex(sink: ShardSink): Promise<ShardIndex | null> {
  const bytes = await sink.read(INDEX_NAME);
  if (bytes === null) return null;
  let index: unknown;
  try {
    index = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ExportError(ExportErrorCode.INVALID_INDEX, `Expected ${INDEX_NAME} to be JSON but it is not: ${(error as Error).message}`);
  }
  if (!isIndex(index)) {
    throw new ExportError(ExportErrorCode.INVALID_INDEX, `Expected ${INDEX_NAME} of version ${INDEX_VERSION} with formats and shards, as framesift writes it`);
  }
  return index;
}

function isIndex(value: unknown): value is ShardIndex {
  const index = value as Partial<ShardIndex> | null;
  return (
    typeof index === 'object' &&
    index !== null &&
    index.version === INDEX_VERSION &&
    typeof index.formats === 'object' &&
    Array.isArray(index.shards) &&
    index.shards.every(
      (s) =>
        typeof s.name === 'string' &&
        typeof s.split === 'string' &&
        s.format in EXTENSIONS &&
        Number.isInteger(s.number) &&
        Number.isInteger(s.rows) &&
        Number.isInteger(s.bytes) &&
        typeof s.sha256 === 'string' &&
        Array.isArray(s.keys),
    )
  );
}

/** Stable text: fixed key order, shards by name, one trailing newline. */
export function serializeIndex(index: ShardIndex): Buffer {
  const formats = Object.fromEntries(
    (Object.keys(EXTENSIONS) as ExportFormat[]).filter((f) => index.formats[f]).map((f) => [f, canonicalSettings(index.formats[f]!)]),
  );
  const shards = [...index.shards]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => ({ name: s.name, split: s.split, format: s.format, number: s.number, rows: s.rows, bytes: s.bytes, sha256: s.sha256, keys: s.keys }));
  return Buffer.from(`${JSON.stringify({ version: index.version, formats, shards }, null, 2)}\n`, 'utf8');
}

/** The settings with their keys in one order, to store and to compare. */
export function canonicalSettings(settings: RowSettings): RowSettings {
  const { augment } = settings;
  return {
    splits: settings.splits.map((s) => ({ name: s.name, fraction: s.fraction })),
    pad: settings.pad,
    tensor: settings.tensor,
    augment: augment && { seed: augment.seed, flipProbability: augment.flipProbability, maxRotationDegrees: augment.maxRotationDegrees },
  };
}

export function sameSettings(a: RowSettings, b: RowSettings): boolean {
  return JSON.stringify(canonicalSettings(a)) === JSON.stringify(canonicalSettings(b));
}
