import type { Frame } from './media/frame.ts';

/** One per-frame score the engine or a selector writes, declared so that the stats CSV, the record and the report can name it. */
export interface FrameMetric {
  readonly key: string;
  readonly description: string;
}

/**
 * The per-frame metrics a writer declares, in the manner of PySceneDetect's
 * `get_metrics()`, and the only way it writes them: a key it did not declare
 * does not typecheck.
 */
export class FrameMetrics<Key extends string> {
  readonly declared: readonly FrameMetric[];

  constructor(descriptions: Readonly<Record<Key, string>>) {
    this.declared = Object.freeze(Object.entries<string>(descriptions).map(([key, description]) => Object.freeze({ key, description })));
  }

  /** Writes into a frame's `stats`, which may outlive the frame's pixels (a selector that scores at the end keeps only these). */
  write(stats: Frame['stats'], key: Key, value: number): void {
    stats[key] = value;
  }
}
