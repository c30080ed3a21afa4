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
}

export async function benchVideo(path: string): Promise<VideoBench> {
  const ffmpeg = (filters: string[]) => [ffmpegPath(), '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', path, '-map', '0:v:0', ...filters, '-f', 'null', '-'];
  const scale = `scale=w=${ANALYSIS_SIZE}:h=${ANALYSIS_SIZE}:force_original_aspect_ratio=decrease:flags=bilinear`;
  const decode = await runCommand(ffmpeg([]));
  const decodeAndScale = await runCommand(ffmpeg(['-vf', scale, '-pix_fmt', 'rgb24']));
  const pinned = await runJob(DEFAULT_SELECTOR, [path]);
  const unpinned = await runJob(DEFAULT_SELECTOR, [path], { pin: false });
  return { decode, decodeAndScale, pinned, unpinned };
}
