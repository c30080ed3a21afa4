import { meanAbsoluteDifference, meanSquaredDifference } from './analysis/pixels.ts';
import { FrameMetrics } from './frame-metrics.ts';
import type { Frame } from './media/frame.ts';

/**
 * A clip whose largest frame-to-frame energy is below this is static. Energy
 * is a mean squared difference over every RGB sample, so 10 is an RMS change
 * of about 3 levels across the whole frame: dither shimmer, not motion. A
 * blinking cursor on a 256×256 terminal frame already scores about 80.
 */
export const DEFAULT_STATIC_ENERGY = 10;

export interface MotionMetrics {
  /** Max and mean over consecutive pairs of the RGB mean squared difference, pixels 0–255. */
  energyMax: number;
  energyMean: number;
  /** Mean over consecutive pairs of the mean absolute grayscale difference, scaled to 0–1. */
  motionScore: number;
  static: boolean;
}

/** What the engine writes on every frame, whichever selector runs. */
export const MOTION_METRICS = new FrameMetrics({
  energy: 'RGB mean squared difference against the previous frame (0–255²)',
  motion: 'mean absolute grayscale difference against the previous frame (0–1)',
});

/** Frame-to-frame change, as the text-to-video filter scored clips. */
export class MotionMeter {
  #previous: Frame | undefined;
  #pairs = 0;
  #energySum = 0;
  #energyMax = 0;
  #motionSum = 0;
  readonly #staticEnergy: number;

  constructor(staticEnergy = DEFAULT_STATIC_ENERGY) {
    this.#staticEnergy = staticEnergy;
  }

  push(frame: Frame): void {
    const previous = this.#previous;
    this.#previous = frame;
    if (!previous) return;
    const energy = meanSquaredDifference(previous.analysis, frame.analysis);
    const motion = meanAbsoluteDifference(previous.gray, frame.gray) / 255;
    MOTION_METRICS.write(frame.stats, 'energy', energy);
    MOTION_METRICS.write(frame.stats, 'motion', motion);
    this.#pairs++;
    this.#energySum += energy;
    this.#energyMax = Math.max(this.#energyMax, energy);
    this.#motionSum += motion;
  }

  result(): MotionMetrics {
    const pairs = Math.max(1, this.#pairs);
    return {
      energyMax: this.#energyMax,
      energyMean: this.#energySum / pairs,
      motionScore: this.#motionSum / pairs,
      static: this.#energyMax < this.#staticEnergy,
    };
  }
}
