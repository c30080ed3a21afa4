import imghash from 'imghash';
import { rgbToRgba } from './pixels.ts';

/** 8 → an 8×8 block grid, a 64-bit hash (16 hex digits), imghash's default. */
export const PHASH_BITS = 8;

/** RGBA scratch for the hash, one per pixel count: the hash reads it synchronously and keeps nothing. */
const rgbaScratch = new Map<number, Uint8ClampedArray>();

/** imghash's block-mean hash of a raw RGB frame, hashed as is with no re-encoding. */
export function perceptualHash(rgb: Uint8Array, width: number, height: number): string {
  let rgba = rgbaScratch.get(rgb.length);
  if (!rgba) rgbaScratch.set(rgb.length, (rgba = new Uint8ClampedArray((rgb.length / 3) * 4)));
  return imghash.hashRaw({ data: rgbToRgba(rgb, rgba), width, height }, PHASH_BITS);
}

const POPCOUNT = Uint8Array.from({ length: 16 }, (_, n) => (n & 1) + ((n >> 1) & 1) + ((n >> 2) & 1) + (n >> 3));

/** Percentage of equal bits between two hex hashes of the same length (100 = identical). */
export function hashSimilarity(a: string, b: string): number {
  if (a.length !== b.length) throw new RangeError('hashSimilarity: hashes differ in length');
  let differing = 0;
  for (let i = 0; i < a.length; i++) {
    differing += POPCOUNT[parseInt(a[i]!, 16) ^ parseInt(b[i]!, 16)]!;
  }
  return 100 * (1 - differing / (a.length * 4));
}
