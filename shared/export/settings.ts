/** The export's options, checked once where they enter, with the one uniform message for a bad value. */
import { booleanOption, invalidOption, positiveInteger } from '../is.ts';
import { resolveAugment, type AugmentOptions, type AugmentSettings } from './augment.ts';
import { DEFAULT_SPLITS, parseSplits, type Split } from './splits.ts';

export const EXPORT_FORMATS = Object.freeze(['parquet', 'webdataset'] as const);
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  format: ExportFormat;
  /** `"train=0.9,val=0.05,test=0.05"`; default: everything in `train`. */
  splits?: string | readonly Split[];
  /** Rows per shard at most; default: no bound but maxBytes. */
  maxRows?: number;
  /** Image bytes (PNGs, and the tensor when there is one) per shard at most; text and container overhead come on top. */
  maxBytes?: number;
  /** Exactly this many key frames per row: the last repeated when fewer, N evenly spaced (first and last kept) when more. */
  pad?: number;
  /** Parquet only: the key frames also as one uint8 N×S×S×3 array (`key_frames_tensor`, shape in `key_frames_shape`). */
  tensor?: boolean;
  /** Off unless given. */
  augment?: AugmentOptions;
}

/** The settings that decide a row's content; an index keeps them per format so later exports match. */
export interface RowSettings {
  splits: Split[];
  pad: number | null;
  tensor: boolean;
  augment: AugmentSettings | null;
}

export interface ExportSettings extends RowSettings {
  format: ExportFormat;
  maxRows: number;
  maxBytes: number;
}

/**
 * 128 MiB: a shard is built in memory before it is written (so no sink ever
 * holds part of one), and Hugging Face and WebDataset both suggest shards of
 * a few hundred MB at most.
 */
export const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;
/** A bound on pad so a typo cannot ask for millions of copies of a frame. */
const MAX_PAD = 1000;

export function resolveExportSettings(options: ExportOptions): ExportSettings {
  if (!EXPORT_FORMATS.includes(options.format)) throw invalidOption('format', `one of ${EXPORT_FORMATS.join(', ')}`, options.format);
  const tensor = booleanOption('tensor', options.tensor ?? false);
  if (tensor && options.format !== 'parquet') throw invalidOption('tensor', 'false for webdataset (the tensor is a Parquet column)', tensor);
  const pad = options.pad === undefined ? null : positiveInteger('pad', options.pad);
  if (pad !== null && pad > MAX_PAD) throw invalidOption('pad', `positive integer up to ${MAX_PAD}`, pad);
  return {
    format: options.format,
    splits: parseSplits(options.splits ?? DEFAULT_SPLITS),
    maxRows: options.maxRows === undefined ? Number.POSITIVE_INFINITY : positiveInteger('maxRows', options.maxRows),
    maxBytes: options.maxBytes === undefined ? DEFAULT_MAX_BYTES : positiveInteger('maxBytes', options.maxBytes),
    pad,
    tensor,
    augment: options.augment === undefined ? null : resolveAugment(options.augment),
  };
}

export function rowSettingsOf(settings: ExportSettings): RowSettings {
  return { splits: settings.splits, pad: settings.pad, tensor: settings.tensor, augment: settings.augment };
}
