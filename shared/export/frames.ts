/** A row's key frames as they are exported: in ordinal order, padded or thinned to a fixed count, as uint8 arrays. */
import sharp from 'sharp';
import type { ExportKeyFrame } from './rows.ts';

/**
 * The key frames by ordinal, then brought to exactly `pad` when it is given:
 * the last frame repeated when there are fewer (as the notebook padded), and
 * `pad` evenly spaced ones when there are more, so the clip's end stays in.
 */
export function arrangeKeyFrames(keyFrames: readonly ExportKeyFrame[], pad: number | null): ExportKeyFrame[] {
  const sorted = [...keyFrames].sort((a, b) => a.ordinal - b.ordinal);
  if (pad === null || sorted.length === pad) return sorted;
  if (sorted.length < pad) return [...sorted, ...Array<ExportKeyFrame>(pad - sorted.length).fill(sorted[sorted.length - 1]!)];
  if (pad === 1) return [sorted[0]!];
  return Array.from({ length: pad }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (pad - 1))]!);
}

/** The frames as one uint8 array, N×S×S×3 in row-major RGB order (numpy's layout for shape (N, S, S, 3)). */
export async function tensorOf(pngs: readonly Buffer[], size: number): Promise<Buffer> {
  const frameBytes = size * size * 3;
  const tensor = Buffer.alloc(pngs.length * frameBytes);
  // Decoded side by side: sharp decodes on its own threads, so a row's frames can use several cores.
  await Promise.all(
    pngs.map(async (png, i) => {
      const { data, info } = await sharp(png).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      if (info.width !== size || info.height !== size || info.channels !== 3) {
        throw new RangeError(`Expected a ${size}×${size} RGB key frame but decoded ${info.width}×${info.height}×${info.channels}`);
      }
      data.copy(tensor, i * frameBytes);
    }),
  );
  return tensor;
}
