/**
 * Every frame's scores as PySceneDetect's stats manager writes them:
 * `Frame Number,Timecode,<metric columns>`, one row per frame. As there,
 * Frame Number counts from 1 (frame index + 1) and Timecode is HH:MM:SS.mmm
 * of play time; a metric a frame has no value for is left empty.
 */
import type { FrameStats } from '../../shared/index.ts';

const NOT_METRICS = new Set(['index', 'timeMs', 'rawTimeMs', 'picked']);

export function statsCsv(frames: readonly FrameStats[]): string {
  const metrics: string[] = [];
  for (const frame of frames) {
    for (const key of Object.keys(frame)) if (!NOT_METRICS.has(key) && !metrics.includes(key)) metrics.push(key);
  }
  const rows = frames.map((frame) => [frame.index + 1, timecode(frame.timeMs), ...metrics.map((m) => frame[m] ?? '')].join(','));
  return `${['Frame Number', 'Timecode', ...metrics].join(',')}\n${rows.map((row) => `${row}\n`).join('')}`;
}

export function timecode(ms: number): string {
  const total = Math.round(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(total / 3_600_000))}:${pad(Math.floor(total / 60_000) % 60)}:${pad(Math.floor(total / 1000) % 60)}.${pad(total % 1000, 3)}`;
}
