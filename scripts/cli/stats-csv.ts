/**
 * Every frame's scores as PySceneDetect's stats manager writes them:
 * `Frame Number,Timecode,<metric columns>`, one row per frame. As there,
 * Frame Number counts from 1 (frame index + 1) and Timecode is HH:MM:SS.mmm
 * of play time; a metric a frame has no value for is left empty.
 */
import type { FrameStats } from '../../shared/engine.ts';
import type { FrameMetric } from '../../shared/frame-metrics.ts';

/** The columns are the declared metrics, in their order: the selector's, then the engine's. */
export function statsCsv(frames: readonly FrameStats[], declared: readonly FrameMetric[]): string {
  const metrics = declared.map((m) => m.key);
  const rows = frames.map((frame) => [frame.index + 1, timecode(frame.timeMs), ...metrics.map((m) => frame[m] ?? '')].join(','));
  return `${['Frame Number', 'Timecode', ...metrics].join(',')}\n${rows.map((row) => `${row}\n`).join('')}`;
}

export function timecode(ms: number): string {
  const total = Math.round(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(total / 3_600_000))}:${pad(Math.floor(total / 60_000) % 60)}:${pad(Math.floor(total / 1000) % 60)}.${pad(total % 1000, 3)}`;
}
