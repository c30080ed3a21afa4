/**
 * One exported sample: a row with its split, its key frames arranged and
 * augmented, and the fields both formats write. The field list here is the
 * one definition the Parquet schema, its Hugging Face features and the
 * WebDataset JSON all follow.
 */
import { applyAugmentation, augmentationFor, type Augmentation } from './augment.ts';
import { arrangeKeyFrames, tensorOf } from './frames.ts';
import type { ExportRow } from './rows.ts';
import type { RowSettings } from './settings.ts';
import { splitOf } from './splits.ts';

export interface SampleFrame {
  /** `<key>.<k>.png`, k being the frame's position in the sample (its ordinal unless pad changed the list). */
  path: string;
  ordinal: number;
  frameIndex: number;
  timeMs: number;
  png: Buffer;
  augmentation: Augmentation | null;
}

export interface Sample {
  row: ExportRow;
  split: string;
  frames: SampleFrame[];
  /** uint8 N×S×S×3, only when the tensor is asked for. */
  tensor: Buffer | null;
  /** The bytes maxBytes counts: PNGs and tensor. */
  imageBytes: number;
}

export type FieldKind = 'string' | 'string?' | 'int64' | 'int64[]' | 'float64?' | 'bool?';

/** The sample's plain fields, in column order. */
export const SAMPLE_FIELDS: ReadonlyArray<{ name: string; kind: FieldKind; value(sample: Sample): unknown }> = Object.freeze([
  { name: 'key', kind: 'string', value: (s: Sample) => s.row.key },
  { name: 'gif_id', kind: 'string', value: (s: Sample) => s.row.gifId },
  { name: 'description', kind: 'string?', value: (s: Sample) => s.row.description },
  { name: 'source_uri', kind: 'string', value: (s: Sample) => s.row.sourceUri },
  { name: 'selection', kind: 'string', value: (s: Sample) => s.row.selection },
  { name: 'size', kind: 'int64', value: (s: Sample) => s.row.size },
  { name: 'key_frame_indices', kind: 'int64[]', value: (s: Sample) => s.frames.map((f) => f.frameIndex) },
  { name: 'key_frame_times_ms', kind: 'int64[]', value: (s: Sample) => s.frames.map((f) => f.timeMs) },
  // Which of the clip's key frames each exported one is: pad repeats or thins them.
  { name: 'key_frame_ordinals', kind: 'int64[]', value: (s: Sample) => s.frames.map((f) => f.ordinal) },
  { name: 'motion_score', kind: 'float64?', value: (s: Sample) => s.row.metrics.motionScore },
  { name: 'energy_max', kind: 'float64?', value: (s: Sample) => s.row.metrics.energyMax },
  { name: 'energy_mean', kind: 'float64?', value: (s: Sample) => s.row.metrics.energyMean },
  { name: 'is_static', kind: 'bool?', value: (s: Sample) => s.row.metrics.isStatic },
  { name: 'diversity_min', kind: 'float64?', value: (s: Sample) => s.row.metrics.diversityMin },
  { name: 'diversity_mean', kind: 'float64?', value: (s: Sample) => s.row.metrics.diversityMean },
  { name: 'diversity_max', kind: 'float64?', value: (s: Sample) => s.row.metrics.diversityMax },
]);

/** A checked row as the sample both writers take. */
export async function prepareSample(row: ExportRow, settings: RowSettings): Promise<Sample> {
  const arranged = arrangeKeyFrames(row.keyFrames, settings.pad);
  const frames: SampleFrame[] = [];
  for (const [k, frame] of arranged.entries()) {
    const augmentation = settings.augment ? augmentationFor(settings.augment, row.key, k) : null;
    frames.push({
      path: `${row.key}.${k}.png`,
      ordinal: frame.ordinal,
      frameIndex: frame.frameIndex,
      timeMs: frame.timeMs,
      png: augmentation ? await applyAugmentation(frame.png, row.size, augmentation) : frame.png,
      augmentation,
    });
  }
  const tensor = settings.tensor ? await tensorOf(frames.map((f) => f.png), row.size) : null;
  const imageBytes = frames.reduce((n, f) => n + f.png.length, 0) + (tensor?.length ?? 0);
  return { row, split: splitOf(row.gifId, settings.splits), frames, tensor, imageBytes };
}

/** The sample without image bytes: the WebDataset `<key>.json`. */
export function sampleJson(sample: Sample): Record<string, unknown> {
  const fields = Object.fromEntries(SAMPLE_FIELDS.map((field) => [field.name, field.value(sample)]));
  return {
    ...fields,
    key_frames: sample.frames.map((f) => f.path),
    ...(sample.frames[0]?.augmentation ? { augmentations: sample.frames.map((f) => f.augmentation) } : {}),
  };
}
