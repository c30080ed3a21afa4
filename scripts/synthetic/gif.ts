import * as gifencModule from 'gifenc';

// Node's loader sees gifenc's CommonJS build (a default export only); bundlers see its ESM build.
const { GIFEncoder, applyPalette, quantize } =
  typeof gifencModule.GIFEncoder === 'function' ? gifencModule : gifencModule.default;

/** One frame of a synthetic clip: packed RGBA and its delay. */
export interface RgbaFrame {
  rgba: Uint8Array;
  delayMs: number;
}

/** Encode frames as a looping GIF, each frame with its own palette. */
export function encodeGif(width: number, height: number, frames: Iterable<RgbaFrame>): Uint8Array {
  const gif = GIFEncoder();
  for (const { rgba, delayMs } of frames) {
    const palette = quantize(rgba, 256, { format: 'rgba4444', oneBitAlpha: true });
    const transparentIndex = palette.findIndex((colour) => colour[3] === 0);
    gif.writeFrame(applyPalette(rgba, palette, 'rgba4444'), width, height, {
      palette,
      delay: delayMs,
      repeat: 0,
      transparent: transparentIndex >= 0,
      transparentIndex: Math.max(0, transparentIndex),
    });
  }
  gif.finish();
  return gif.bytes();
}
