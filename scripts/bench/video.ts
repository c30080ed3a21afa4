/** Video: framesift's engine against ffmpeg decoding the same file, and decoding and scaling it to 128 px. */
import { ffmpegPath } from '../../shared/media/ffmpeg.ts';
import { ANALYSIS_SIZE } from '../../shared/media/frame.ts';
import { DEFAULT_SELECTOR } from '../../shared/index.ts';
import { runCommand, runJob, type CommandRun } from './processes.ts';

export interface VideoBench {
  decode: CommandRun;
  decodeAndScale: CommandRun;
  /** The default selector, engine time only (no process start-up), pinned and not. */
  pinned: { seconds: number; peakRssMb: number; frames: number };
  unpinned: { seconds: number; peakRssMb: number; frames: number };
  /** Each round's decode-and-scale time over framesift's, pinned and not: the runs of one round are seconds apart, so a slow spell of the machine hits both. */
  ratios: { pinned: number[]; unpinned: number[] };
  rounds: number;
}

/**
 * Rounds of every run; each time is the median, and the runs take turns so load drifts hit all of
 * them, as the engine rows do. Each ratio is the median of the rounds' own ratios.
 */
export const VIDEO_ROUNDS = 5;

export async function benchVideo(path: string): Promise<VideoBench> {
  const ffmpeg = (filters: string[]) => [ffmpegPath(), '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-map', '0:v:0', ...filters, '-f', 'null', '-'];
  const scale = `scale=w=${ANALYSIS_SIZE}:h=${ANALYSIS_SIZE}:force_original_aspect_ratio=decrease:flags=bilinear`;
  const runs = { decode: [] as CommandRun[], decodeAndScale: [] as CommandRun[], pinned: [] as VideoBench['pinned'][], unpinned: [] as VideoBench['unpinned'][] };
  for (let round = 0; round < VIDEO_ROUNDS; round++) {
    runs.decode.push(await runCommand(ffmpeg([])));
    runs.decodeAndScale.push(await runCommand(ffmpeg(['-vf', scale, '-pix_fmt', 'rgb24'])));
    runs.pinned.push(await runJob(DEFAULT_SELECTOR, [path]));
    runs.unpinned.push(await runJob(DEFAULT_SELECTOR, [path], { pin: false }));
  }
  const median = <T extends { seconds: number }>(all: T[]): T => [...all].sort((a, b) => a.seconds - b.seconds)[Math.floor(all.length / 2)]!;
  const ratios = (engine: Array<{ seconds: number }>) => engine.map((run, round) => runs.decodeAndScale[round]!.seconds / run.seconds);
  return {
    decode: median(runs.decode),
    decodeAndScale: median(runs.decodeAndScale),
    pinned: median(runs.pinned),
    unpinned: median(runs.unpinned),
    ratios: { pinned: ratios(runs.pinned), unpinned: ratios(runs.unpinned) },
    rounds: VIDEO_ROUNDS,
  };
}
