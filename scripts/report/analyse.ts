/**
 * What the report shows about one file, from one decode: a thumbnail of every
 * (sampled) frame, each frame's descriptor, the per-frame scores of every
 * selector run side by side, their picks, a seeded random pick, and a 2-D map
 * of the frames (UMAP over descriptor distances).
 */
import sharp from 'sharp';
import { UMAP } from 'umap-js';
import { descriptorDistance } from '../../shared/analysis/pixels.ts';
import { distribution, pairwiseDistances, type Distribution } from '../../shared/analysis/stats.ts';
import { DEFAULT_SIZE } from '../../shared/engine.ts';
import { ANALYSIS_SIZE } from '../../shared/media/frame.ts';
import { openMedia, resolveLimits } from '../../shared/media/index.ts';
import { SELECTOR_NAMES, resolveSelector, type SelectorName } from '../../shared/selectors/index.ts';
import { seededRandom } from '../../shared/random.ts';

/** Frames shown in a file's thumbnail strip; longer files are sampled evenly. */
export const MAX_STRIP_FRAMES = 120;
export const THUMB = 48;
export const RANDOM_PICK = 'random (seeded)';

export interface FrameAnalysis {
  frameCount: number;
  timesMs: number[];
  /** Indices of the frames in the strip, and the strip as a JPEG sprite (one row). */
  stripFrames: number[];
  strip: Buffer;
  /** Per-frame scores written by the selectors (ssim, phashSimilarity, content, …). */
  stats: Array<Record<string, number>>;
  /** Each selector's picks with the default options, and a seeded random pick of coreset's size. */
  picks: Record<SelectorName | typeof RANDOM_PICK, number[]>;
  diversity: Record<SelectorName | typeof RANDOM_PICK, Distribution | null>;
  /** 2-D positions of every frame. */
  map: Array<[number, number]>;
}

export async function analyseFile(path: string, seed: number): Promise<FrameAnalysis> {
  // Frames are decoded as extraction decodes them, so the report shows what the selectors saw.
  const source = await openMedia(path, { size: DEFAULT_SIZE, limits: resolveLimits() });
  const selectors = SELECTOR_NAMES.map((name) => ({ name, selector: resolveSelector(name).create() }));
  const descriptors: Float32Array[] = [];
  const timesMs: number[] = [];
  const stats: Array<Record<string, number>> = [];
  const analysisImages: Uint8Array[] = [];
  let analysisSize = ANALYSIS_SIZE;
  for await (const frame of source.frames()) {
    for (const { selector } of selectors) selector.push(frame);
    descriptors.push(frame.descriptor);
    timesMs.push(frame.timeMs);
    stats.push(frame.stats);
    // A copy: the source reuses a frame's buffer two frames on.
    analysisImages.push(frame.analysis.slice());
    analysisSize = frame.analysisSize;
  }
  const frameCount = descriptors.length;
  const picks = Object.fromEntries(selectors.map(({ name, selector }) => [name, [...new Set(selector.finish().picks.map((p) => p.index))]])) as FrameAnalysis['picks'];
  picks[RANDOM_PICK] = randomPick(frameCount, Math.max(1, picks.coreset.length), seed);
  const diversity = Object.fromEntries(
    Object.entries(picks).map(([name, indices]) => [name, distribution(pairwiseDistances(indices.map((i) => descriptors[i]!), descriptorDistance))]),
  ) as FrameAnalysis['diversity'];

  const step = Math.max(1, frameCount / MAX_STRIP_FRAMES);
  const stripFrames = [...new Set(Array.from({ length: Math.min(frameCount, MAX_STRIP_FRAMES) }, (_, i) => Math.floor(i * step)))];
  const strip = await sprite(stripFrames.map((i) => analysisImages[i]!), analysisSize);
  return { frameCount, timesMs, stripFrames, strip, stats, picks, diversity, map: embed(descriptors, seed) };
}

function randomPick(n: number, k: number, seed: number): number[] {
  const random = seededRandom(seed);
  const indices = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, Math.min(k, n)).sort((a, b) => a - b);
}

/** UMAP over descriptor distances (seeded); too few frames for neighbours are laid out by distance from the first. */
function embed(descriptors: Float32Array[], seed: number): Array<[number, number]> {
  if (descriptors.length < 5) return descriptors.map((d, i) => [descriptorDistance(descriptors[0]!, d), i * 0.01]);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(15, descriptors.length - 1), minDist: 0.1, random: seededRandom(seed), distanceFn: (a, b) => descriptorDistance(Float32Array.from(a), Float32Array.from(b)) });
  return umap.fit(descriptors.map((d) => Array.from(d))) as Array<[number, number]>;
}

async function sprite(images: Uint8Array[], size: number): Promise<Buffer> {
  const row = new Uint8Array(images.length * THUMB * THUMB * 3);
  const scale = size / THUMB;
  images.forEach((image, k) => {
    for (let y = 0; y < THUMB; y++) {
      for (let x = 0; x < THUMB; x++) {
        const from = (Math.floor(y * scale) * size + Math.floor(x * scale)) * 3;
        const to = (y * images.length * THUMB + k * THUMB + x) * 3;
        row[to] = image[from]!;
        row[to + 1] = image[from + 1]!;
        row[to + 2] = image[from + 2]!;
      }
    }
  });
  return sharp(row, { raw: { width: Math.max(1, images.length) * THUMB, height: THUMB, channels: 3 } }).jpeg({ quality: 80 }).toBuffer();
}
