import { openGif } from './gif.ts';
import { limitExceeded, type Limits } from './limits.ts';
import { sniffFile } from './sniff.ts';
import type { MediaSource } from './source.ts';
import { openVideo } from './video.ts';

export interface OpenOptions {
  size: number;
  limits: Limits;
}

/** Sniff the bytes, check the size limit, and open the decoder for what was found. */
export async function openMedia(path: string, options: OpenOptions): Promise<MediaSource> {
  const sniffed = await sniffFile(path);
  if (sniffed.bytes > options.limits.maxInputBytes) {
    throw limitExceeded('input bytes', options.limits.maxInputBytes, sniffed.bytes);
  }
  const deadline = Date.now() + options.limits.timeoutMs;
  const open = sniffed.kind === 'gif' ? openGif : openVideo;
  return open(path, sniffed, { ...options, deadline });
}

export { Frame } from './frame.ts';
export type { MediaInfo, MediaSource } from './source.ts';
export { DEFAULT_LIMITS, resolveLimits, type Limits } from './limits.ts';
