/**
 * Each table's schema, defined once. The Parquet schema, the BigQuery schema
 * and the DuckDB column list are all derived from these lists.
 */
import { frameUri } from './pack.ts';
import { manifestLineKey, type FileRecord, type ManifestEntriesChunk } from './records.ts';

export type ColumnType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'TIMESTAMP';
export type ColumnMode = 'REQUIRED' | 'NULLABLE' | 'REPEATED';

export interface Column {
  name: string;
  type: ColumnType;
  mode: ColumnMode;
  description: string;
}

export interface TableDefinition {
  name: 'gifs' | 'key_frames' | 'manifest_entries';
  description: string;
  columns: readonly Column[];
  /** Rows with equal values here are one row: the latest `processed_at` wins. */
  uniqueKey: readonly string[];
  partitionBy: string;
  clusterBy: readonly string[];
}

const col = (name: string, type: ColumnType, mode: ColumnMode, description: string): Column => ({ name, type, mode, description });

export const GIFS: TableDefinition = {
  name: 'gifs',
  description: 'One row per source file, generation and selection (and per rejected manifest line).',
  uniqueKey: ['record_key'],
  partitionBy: 'processed_at',
  clusterBy: ['gif_id'],
  columns: [
    col('record_key', 'STRING', 'REQUIRED', 'De-duplication key: source_uri@source_generation/selection, or batch_id#line for a rejected line'),
    col('gif_id', 'STRING', 'NULLABLE', 'The id from the manifest, or the file name of a single upload'),
    col('status', 'STRING', 'REQUIRED', 'ok, failed or rejected'),
    col('error_code', 'STRING', 'NULLABLE', 'Stable code of a failure or rejection'),
    col('error_message', 'STRING', 'NULLABLE', 'What was expected and what was found'),
    col('source_uri', 'STRING', 'NULLABLE', 'gs:// URI of the source file'),
    col('source_generation', 'STRING', 'NULLABLE', 'Object generation of the source file'),
    col('selection', 'STRING', 'NULLABLE', 'Id of the selector, its version and options that chose the key frames'),
    col('description', 'STRING', 'NULLABLE', 'Text description from the manifest'),
    col('batch_id', 'STRING', 'REQUIRED', 'The upload (manifest or single file) this came from'),
    col('manifest_uri', 'STRING', 'NULLABLE', 'gs:// URI of the manifest'),
    col('manifest_line', 'INT64', 'NULLABLE', 'Line of the manifest, from 1'),
    col('media_kind', 'STRING', 'NULLABLE', 'gif or video'),
    col('format', 'STRING', 'NULLABLE', 'gif, mp4, mov, webm or avi, from the bytes'),
    col('bytes', 'INT64', 'NULLABLE', 'Size of the source file'),
    col('width', 'INT64', 'NULLABLE', 'Display width of one frame'),
    col('height', 'INT64', 'NULLABLE', 'Display height of one frame'),
    col('frame_count', 'INT64', 'NULLABLE', 'Frames decoded'),
    col('duration_ms', 'INT64', 'NULLABLE', 'Play time with browser delay rules'),
    col('raw_duration_ms', 'INT64', 'NULLABLE', "Play time from the file's own delays"),
    col('mean_fps', 'FLOAT64', 'NULLABLE', 'frame_count / duration'),
    col('loop_count', 'INT64', 'NULLABLE', 'GIF plays this many times; 0 = forever'),
    col('selector', 'STRING', 'NULLABLE', 'ssim, phash, scene, coreset or uniform'),
    col('selector_version', 'INT64', 'NULLABLE', 'Version of the selector'),
    col('selector_options', 'STRING', 'NULLABLE', "The selector's resolved options as JSON"),
    col('key_frame_count', 'INT64', 'NULLABLE', 'Number of key frames'),
    col('key_frame_indices', 'INT64', 'REPEATED', 'Frame index of each key frame'),
    col('key_frame_times_ms', 'INT64', 'REPEATED', 'Start time of each key frame'),
    col('key_frame_uris', 'STRING', 'REPEATED', 'Each key frame as <pack uri>#bytes=<first>-<last>'),
    col('pack_uri', 'STRING', 'NULLABLE', 'gs:// URI of the tar holding the key frame PNGs and the record'),
    col('shot_starts', 'INT64', 'REPEATED', 'First frame of each shot (scene selector)'),
    col('energy_max', 'FLOAT64', 'NULLABLE', 'Largest frame-to-frame RGB mean squared difference'),
    col('energy_mean', 'FLOAT64', 'NULLABLE', 'Mean frame-to-frame RGB mean squared difference'),
    col('motion_score', 'FLOAT64', 'NULLABLE', 'Mean absolute grayscale change between frames, 0–1'),
    col('is_static', 'BOOL', 'NULLABLE', 'energy_max below the static threshold'),
    col('diversity_min', 'FLOAT64', 'NULLABLE', 'Least pairwise distance among key frames'),
    col('diversity_mean', 'FLOAT64', 'NULLABLE', 'Mean pairwise distance among key frames'),
    col('diversity_max', 'FLOAT64', 'NULLABLE', 'Largest pairwise distance among key frames'),
    col('diversity_p10', 'FLOAT64', 'NULLABLE', '10th percentile of pairwise distances'),
    col('diversity_p90', 'FLOAT64', 'NULLABLE', '90th percentile of pairwise distances'),
    col('warnings', 'STRING', 'REPEATED', 'Recoverable problems the decoder saw'),
    col('engine_version', 'STRING', 'REQUIRED', 'framesift version that made the record'),
    col('processed_at', 'TIMESTAMP', 'REQUIRED', 'When the record was made'),
    col('processing_ms', 'INT64', 'NULLABLE', 'Time spent extracting'),
  ],
};

export const KEY_FRAMES: TableDefinition = {
  name: 'key_frames',
  description: 'One row per chosen frame.',
  uniqueKey: ['record_key', 'ordinal'],
  partitionBy: 'processed_at',
  clusterBy: ['gif_id'],
  columns: [
    col('record_key', 'STRING', 'REQUIRED', 'The gifs row this frame belongs to'),
    col('gif_id', 'STRING', 'REQUIRED', 'Id of the source file'),
    col('source_generation', 'STRING', 'REQUIRED', 'Object generation of the source file'),
    col('source_uri', 'STRING', 'NULLABLE', 'gs:// URI of the source file'),
    col('selection', 'STRING', 'NULLABLE', 'Id of the selector, its version and options that chose the frame'),
    col('ordinal', 'INT64', 'REQUIRED', 'Position among the key frames, from 0'),
    col('frame_index', 'INT64', 'REQUIRED', 'Index of the frame in the file, from 0'),
    col('time_ms', 'INT64', 'REQUIRED', 'Start time with browser delay rules'),
    col('raw_time_ms', 'INT64', 'REQUIRED', "Start time from the file's own timing"),
    col('uri', 'STRING', 'REQUIRED', 'gs:// URI of the pack (a tar) holding the 256×256 PNG'),
    col('byte_offset', 'INT64', 'NULLABLE', 'First byte of the PNG in the pack'),
    col('byte_length', 'INT64', 'NULLABLE', 'Length of the PNG in bytes'),
    col('phash', 'STRING', 'REQUIRED', '64-bit perceptual hash, hex'),
    col('score', 'FLOAT64', 'NULLABLE', "The selector's score for this frame"),
    col('similarity_to_previous', 'FLOAT64', 'NULLABLE', 'Grayscale SSIM with the previous key frame'),
    col('processed_at', 'TIMESTAMP', 'REQUIRED', 'When the record was made'),
  ],
};

export const MANIFEST_ENTRIES: TableDefinition = {
  name: 'manifest_entries',
  description: "One row per manifest line naming a file: the id and description the views give that file's rows.",
  uniqueKey: ['entry_key'],
  partitionBy: 'processed_at',
  clusterBy: ['source_uri'],
  columns: [
    col('entry_key', 'STRING', 'REQUIRED', 'batch_id#line'),
    col('gif_id', 'STRING', 'REQUIRED', 'The id the line gives'),
    col('description', 'STRING', 'NULLABLE', 'The description the line gives'),
    col('source_uri', 'STRING', 'REQUIRED', 'gs:// URI of the file the line names'),
    col('batch_id', 'STRING', 'REQUIRED', 'The manifest upload'),
    col('manifest_uri', 'STRING', 'REQUIRED', 'gs:// URI of the manifest'),
    col('manifest_line', 'INT64', 'REQUIRED', 'Line of the manifest, from 1'),
    col('processed_at', 'TIMESTAMP', 'REQUIRED', 'When fan-out read the line'),
  ],
};

export const TABLES = Object.freeze({ gifs: GIFS, key_frames: KEY_FRAMES, manifest_entries: MANIFEST_ENTRIES });

export type Row = Record<string, string | number | boolean | Date | null | Array<string | number>>;

export function gifsRow(record: FileRecord): Row {
  const x = record.extraction;
  const d = x?.metrics.diversity ?? null;
  return {
    record_key: record.recordKey,
    gif_id: record.gifId,
    status: record.status,
    error_code: record.errorCode,
    error_message: record.errorMessage,
    source_uri: record.sourceUri,
    source_generation: record.sourceGeneration,
    selection: record.selection,
    description: record.description,
    batch_id: record.batchId,
    manifest_uri: record.manifestUri,
    manifest_line: record.manifestLine,
    media_kind: x?.media.kind ?? null,
    format: x?.media.format ?? null,
    bytes: x?.media.bytes ?? null,
    width: x?.media.width ?? null,
    height: x?.media.height ?? null,
    frame_count: x?.media.frameCount ?? null,
    duration_ms: x?.media.durationMs ?? null,
    raw_duration_ms: x?.media.rawDurationMs ?? null,
    mean_fps: x?.media.meanFps ?? null,
    loop_count: x?.media.loopCount ?? null,
    selector: x?.selector.name ?? null,
    selector_version: x?.selector.version ?? null,
    selector_options: x ? JSON.stringify(x.selector.options) : null,
    key_frame_count: x?.keyFrames.length ?? null,
    key_frame_indices: x?.keyFrames.map((k) => k.frameIndex) ?? [],
    key_frame_times_ms: x?.keyFrames.map((k) => k.timeMs) ?? [],
    key_frame_uris: record.packUri ? record.keyFrameRanges.map((range) => frameUri(record.packUri!, range)) : [],
    pack_uri: record.packUri,
    shot_starts: x?.shots?.map((s) => s.startFrame) ?? [],
    energy_max: x?.metrics.energyMax ?? null,
    energy_mean: x?.metrics.energyMean ?? null,
    motion_score: x?.metrics.motionScore ?? null,
    is_static: x?.metrics.static ?? null,
    diversity_min: d?.min ?? null,
    diversity_mean: d?.mean ?? null,
    diversity_max: d?.max ?? null,
    diversity_p10: d?.p10 ?? null,
    diversity_p90: d?.p90 ?? null,
    warnings: x?.warnings ?? [],
    engine_version: record.engineVersion,
    processed_at: new Date(record.processedAt),
    processing_ms: record.processingMs,
  };
}

export function keyFrameRows(record: FileRecord): Row[] {
  if (record.status !== 'ok' || !record.extraction || record.gifId === null || record.sourceGeneration === null || !record.packUri) return [];
  return record.extraction.keyFrames.map((k) => ({
    record_key: record.recordKey,
    gif_id: record.gifId,
    source_generation: record.sourceGeneration,
    source_uri: record.sourceUri,
    selection: record.selection,
    ordinal: k.ordinal,
    frame_index: k.frameIndex,
    time_ms: k.timeMs,
    raw_time_ms: k.rawTimeMs,
    uri: record.packUri!,
    byte_offset: record.keyFrameRanges[k.ordinal]!.offset,
    byte_length: record.keyFrameRanges[k.ordinal]!.length,
    phash: k.phash,
    score: k.score,
    similarity_to_previous: k.similarityToPrevious,
    processed_at: new Date(record.processedAt),
  }));
}

export function entryRows(chunk: ManifestEntriesChunk): Row[] {
  const processedAt = new Date(chunk.processedAt);
  return chunk.entries.map((entry) => ({
    entry_key: manifestLineKey(chunk.batchId, entry.line),
    gif_id: entry.gifId,
    description: entry.description,
    source_uri: entry.sourceUri,
    batch_id: chunk.batchId,
    manifest_uri: chunk.manifestUri,
    manifest_line: entry.line,
    processed_at: processedAt,
  }));
}

const PARQUET_TYPES: Record<ColumnType, string> = {
  STRING: 'UTF8',
  INT64: 'INT64',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP_MILLIS',
};

/** parquetjs-lite's schema definition. */
export function parquetSchemaOf(table: TableDefinition): Record<string, { type: string; optional?: boolean; repeated?: boolean }> {
  return Object.fromEntries(
    table.columns.map((c) => [
      c.name,
      { type: PARQUET_TYPES[c.type], ...(c.mode === 'NULLABLE' && { optional: true }), ...(c.mode === 'REPEATED' && { repeated: true }) },
    ]),
  );
}

/** BigQuery's table schema (the REST `TableSchema`). */
export function bigQuerySchemaOf(table: TableDefinition): { fields: Array<{ name: string; type: string; mode: ColumnMode; description: string }> } {
  const types: Record<ColumnType, string> = { STRING: 'STRING', INT64: 'INTEGER', FLOAT64: 'FLOAT', BOOL: 'BOOLEAN', TIMESTAMP: 'TIMESTAMP' };
  return { fields: table.columns.map((c) => ({ name: c.name, type: types[c.type], mode: c.mode, description: c.description })) };
}

const DUCKDB_TYPES: Record<ColumnType, string> = {
  STRING: 'VARCHAR',
  INT64: 'BIGINT',
  FLOAT64: 'DOUBLE',
  BOOL: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
};

export function duckdbTypeOf(column: Column): string {
  return column.mode === 'REPEATED' ? `${DUCKDB_TYPES[column.type]}[]` : DUCKDB_TYPES[column.type];
}

/** The loaded rows of a table live in `<table>_all`; `<table>` is the view with one row per unique key (views.ts). */
export function allRowsTableOf(table: TableDefinition): string {
  return `${table.name}_all`;
}
