/** Cut detection scored on synthetic clips with known cuts, beside ffmpeg's scene score. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { extractKeyFrames } from '../../shared/index.ts';
import { ffmpegPath } from '../../shared/media/ffmpeg.ts';
import { CLIP_DELAY_MS } from '../synthetic/clips.ts';
import { writeSyntheticClips, type WrittenClip } from '../synthetic/write.ts';
import { addScores, scoreCuts } from './cut-score.ts';

const exec = promisify(execFile);
export const FFMPEG_SCENE_THRESHOLD = 0.3;

async function ffmpegCuts(path: string): Promise<number[]> {
  const filter = `select='gt(scene,${FFMPEG_SCENE_THRESHOLD})',showinfo`;
  const { stderr } = await exec(ffmpegPath(), ['-hide_banner', '-nostdin', '-i', path, '-vf', filter, '-f', 'null', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return [...stderr.matchAll(/Parsed_showinfo.*?pts_time:\s*([\d.]+)/g)].map((m) => Math.round((Number(m[1]) * 1000) / CLIP_DELAY_MS));
}

async function framesiftCuts(path: string): Promise<number[]> {
  const { record } = await extractKeyFrames(path, { selector: 'scene' });
  return record.shots!.slice(1).map((shot) => shot.startFrame);
}

export async function benchCuts(dir: string, seeds: number[]) {
  const clips: WrittenClip[] = (await Promise.all(seeds.map((seed) => writeSyntheticClips(`${dir}/seed-${seed}`, seed)))).flat();
  const ours = [];
  const theirs = [];
  for (const clip of clips) {
    ours.push(scoreCuts(await framesiftCuts(clip.path), clip));
    theirs.push(scoreCuts(await ffmpegCuts(clip.path), clip));
  }
  return {
    clips: clips.length,
    cuts: clips.reduce((n, c) => n + c.cuts.length, 0),
    gradual: clips.reduce((n, c) => n + c.gradual.length, 0),
    framesift: addScores(ours),
    ffmpeg: addScores(theirs),
  };
}
