import type { Frame } from './frame.ts';
import type { ContainerFormat, MediaKind } from './sniff.ts';

/** What a decoder knows about a file before (and, for video, while) its frames stream. */
export interface MediaInfo {
  kind: MediaKind;
  format: ContainerFormat;
  bytes: number;
  /** Display size of one frame: after rotation, with non-square pixels made square. */
  width: number;
  height: number;
  /** GIF: plays this many times, 0 = forever (libvips' convention). Video: null. */
  loopCount: number | null;
}

/** A decoded file: its info, and its frames as a stream that can be read again from the start. */
export interface MediaSource {
  readonly info: MediaInfo;
  frames(): AsyncGenerator<Frame, void, undefined>;
  /** Total play time once every frame has been read: effective and raw. */
  duration(): { effectiveMs: number; rawMs: number };
  /** Recoverable problems the decoder saw (for example a truncated last frame). */
  readonly warnings: readonly string[];
}
