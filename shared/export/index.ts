/**
 * Training-ready datasets from framesift's rows: Parquet shards in Hugging
 * Face's Image layout and WebDataset tar shards, split by a stable hash of the
 * gif_id, indexed, incremental and byte-for-byte reproducible. It knows nothing
 * of tables or buckets: rows come in, shards go to a ShardSink.
 */
export { applyAugmentation, augmentationFor, resolveAugment, type Augmentation, type AugmentOptions, type AugmentSettings } from './augment.ts';
export { ExportError, ExportErrorCode } from './errors.ts';
export { exportDataset, type ExportResult } from './export.ts';
export { arrangeKeyFrames, tensorOf } from './frames.ts';
export { huggingFaceMetadata, parquetColumns } from './parquet-shard.ts';
export type { ExportKeyFrame, ExportMetrics, ExportRow } from './rows.ts';
export { DEFAULT_MAX_BYTES, EXPORT_FORMATS, resolveExportSettings, type ExportFormat, type ExportOptions, type RowSettings } from './settings.ts';
export { INDEX_NAME, readIndex, shardName, type ShardEntry, type ShardIndex } from './shard-index.ts';
export { FolderSink, type ShardSink } from './sink.ts';
export { DEFAULT_SPLITS, hashFraction, parseSplits, splitOf, type Split } from './splits.ts';
export { exportFromTables, sampleKey, type RowSource, type TableExportOptions } from './from-tables.ts';
export { StoreSink } from './store-sink.ts';
