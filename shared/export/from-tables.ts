/**
 * Export rows from the tables: the `gifs` view, filtered by a SQL condition
 * (the same SQL as `npm run query` or BigQuery), with each file's key frames
 * read out of its pack, one object read per file. The warehouse and the store
 * are ports, so the same code exports from DuckDB and folders or from
 * BigQuery and Cloud Storage.
 */
import { createHash } from 'node:crypto';
import { parseFrameUri } from '../pipeline/pack.ts';
import { refOf, type ObjectStore } from '../pipeline/ports.ts';
import { ExportError, ExportErrorCode } from './errors.ts';
import { exportDataset, type ExportResult } from './export.ts';
import type { ExportRow } from './rows.ts';
import type { ExportOptions } from './settings.ts';
import type { ShardSink } from './sink.ts';

export interface RowSource {
  query(sql: string): Promise<Array<Record<string, unknown>>>;
}

export interface TableExportOptions extends ExportOptions {
  /** A SQL condition over the gifs view's columns, e.g. `NOT is_static AND key_frame_count >= 3`. */
  where?: string;
  /** Which selection to export, when the tables hold several (see `selection` in the gifs view). */
  selection?: string;
}

interface GifRow {
  record_key: string;
  gif_id: string;
  description: string | null;
  source_uri: string;
  selection: string;
  key_frame_uris: string[];
  key_frame_indices: number[];
  key_frame_times_ms: number[];
  motion_score: number | null;
  energy_max: number | null;
  energy_mean: number | null;
  is_static: boolean | null;
  diversity_min: number | null;
  diversity_mean: number | null;
  diversity_max: number | null;
}

const COLUMNS = [
  'record_key', 'gif_id', 'description', 'source_uri', 'selection', 'key_frame_uris', 'key_frame_indices', 'key_frame_times_ms',
  'motion_score', 'energy_max', 'energy_mean', 'is_static', 'diversity_min', 'diversity_mean', 'diversity_max',
];

export async function exportFromTables(
  deps: { rows: RowSource; store: ObjectStore; sink: ShardSink },
  options: TableExportOptions,
): Promise<ExportResult & { selection: string | null }> {
  const rows = await selectRows(deps.rows, options);
  const selections = [...new Set(rows.map((row) => row.selection))].sort();
  if (selections.length > 1) {
    throw new ExportError(ExportErrorCode.SEVERAL_SELECTIONS, `Expected rows of one selection but found ${selections.length} (${selections.join(', ')}): choose one with --selection`);
  }
  const keyed = rows.map((row) => ({ key: sampleKey(row), row })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const result = await exportDataset(exportRows(keyed, deps.store), deps.sink, options);
  return { ...result, selection: selections[0] ?? null };
}

async function selectRows(source: RowSource, options: TableExportOptions): Promise<GifRow[]> {
  const conditions = ["status = 'ok'", 'key_frame_count > 0'];
  if (options.selection) conditions.push(`selection = '${options.selection.replaceAll("'", "''")}'`);
  if (options.where?.trim()) conditions.push(`(${options.where})`);
  try {
    return (await source.query(`SELECT ${COLUMNS.join(', ')} FROM gifs WHERE ${conditions.join(' AND ')}`)) as unknown as GifRow[];
  } catch (error) {
    const said = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ExportError(ExportErrorCode.INVALID_WHERE, `Expected --where to be a SQL condition over the gifs view's columns, but the warehouse answered: ${said}`);
  }
}

/**
 * Readable and unique: the gif id with anything but letters, digits, `_` and `-`
 * replaced (WebDataset splits names at their first dot), then 12 hex digits of
 * the record key, which tells apart files and selections of the same id.
 */
export function sampleKey(row: { gif_id: string; record_key: string }): string {
  const stem = row.gif_id.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 80);
  return `${stem}-${createHash('sha256').update(row.record_key).digest('hex').slice(0, 12)}`;
}

async function* exportRows(keyed: Array<{ key: string; row: GifRow }>, store: ObjectStore): AsyncGenerator<ExportRow> {
  for (const { key, row } of keyed) {
    const frames = row.key_frame_uris.map(parseFrameUri);
    const pack = await store.read(refOf(frames[0]!.packUri));
    const keyFrames = frames.map(({ range }, ordinal) => ({
      ordinal,
      frameIndex: row.key_frame_indices[ordinal]!,
      timeMs: row.key_frame_times_ms[ordinal]!,
      png: pack.subarray(range.offset, range.offset + range.length),
    }));
    yield {
      key,
      gifId: row.gif_id,
      description: row.description,
      sourceUri: row.source_uri,
      selection: row.selection,
      // The side of the PNGs, from the first one's header (IHDR width).
      size: keyFrames[0]!.png.readUInt32BE(16),
      keyFrames,
      metrics: {
        motionScore: row.motion_score,
        energyMax: row.energy_max,
        energyMean: row.energy_mean,
        isStatic: row.is_static,
        diversityMin: row.diversity_min,
        diversityMean: row.diversity_mean,
        diversityMax: row.diversity_max,
      },
    };
  }
}
