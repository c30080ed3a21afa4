/**
 * Seeded augmentation of key frames: a horizontal flip with some probability,
 * then a small rotation about the centre, cut back to S×S with the letterbox's
 * black in the corners (as the notebook's cv2.warpAffine did). Each frame's
 * parameters come from (seed, key, position) alone, so a row is augmented the
 * same whichever other rows are exported with it.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { invalidOption, numberInRange } from '../is.ts';
import { encodePng } from '../media/png.ts';
import { seededRandom } from '../random.ts';

export interface AugmentOptions {
  /** Any integer from 0 to 2³² − 1. */
  seed: number;
  /** Chance that a frame is mirrored left to right; default 0.5, as in the notebook. */
  flipProbability?: number;
  /** Rotation is drawn uniformly from ±this many degrees; default 10, as in the notebook. */
  maxRotationDegrees?: number;
}

export type AugmentSettings = Required<AugmentOptions>;

/** What was applied to one frame: mirrored first, then turned by rotate_degrees (clockwise when positive, as sharp turns). */
export interface Augmentation {
  flip: boolean;
  rotate_degrees: number;
}

const DEFAULT_FLIP_PROBABILITY = 0.5;
const DEFAULT_MAX_ROTATION_DEGREES = 10;
/** Beyond this the black corners take over a small square; augmentation is meant to be small. */
const ROTATION_LIMIT_DEGREES = 45;
/** The letterbox pads in black, so the corners a rotation uncovers are black too. */
const BACKGROUND = { r: 0, g: 0, b: 0 };
/** Angles are kept to hundredths of a degree so the recorded number is exactly the one applied. */
const ANGLE_STEPS_PER_DEGREE = 100;

export function resolveAugment(options: AugmentOptions): AugmentSettings {
  const seed = options.seed;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw invalidOption('augment.seed', 'integer between 0 and 4294967295', seed);
  return {
    seed,
    flipProbability: numberInRange('augment.flipProbability', options.flipProbability ?? DEFAULT_FLIP_PROBABILITY, 0, 1),
    maxRotationDegrees: numberInRange('augment.maxRotationDegrees', options.maxRotationDegrees ?? DEFAULT_MAX_ROTATION_DEGREES, 0, ROTATION_LIMIT_DEGREES),
  };
}

/** The parameters for the frame at `position` of the row `key`. */
export function augmentationFor(settings: AugmentSettings, key: string, position: number): Augmentation {
  const digest = createHash('sha256').update(`${settings.seed}\0${key}\0${position}`).digest();
  const random = seededRandom(digest.readUInt32BE(0));
  // Both draws always happen, so one parameter's setting never shifts the other's numbers.
  const flip = random() < settings.flipProbability;
  const unit = random() * 2 - 1;
  const steps = Math.round(unit * settings.maxRotationDegrees * ANGLE_STEPS_PER_DEGREE);
  return { flip, rotate_degrees: steps / ANGLE_STEPS_PER_DEGREE || 0 };
}

/** The frame with its augmentation applied, as an S×S PNG; the same bytes when there is nothing to apply. */
export async function applyAugmentation(png: Buffer, size: number, augmentation: Augmentation): Promise<Buffer> {
  const { flip, rotate_degrees: degrees } = augmentation;
  if (!flip && degrees === 0) return png;
  let image = sharp(png).removeAlpha();
  // sharp mirrors before an arbitrary rotation whatever the call order; written in that order to say so.
  if (flip) image = image.flop();
  if (degrees !== 0) image = image.rotate(degrees, { background: BACKGROUND });
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  // A rotation grows the canvas to hold the turned square; its centre S×S is the frame.
  const left = Math.floor((info.width - size) / 2);
  const top = Math.floor((info.height - size) / 2);
  const rgb = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extract({ left, top, width: size, height: size })
    .raw()
    .toBuffer();
  return encodePng(rgb, size);
}
