/**
 * Cut detection scored on the generated clips and on the labelled real footage
 * of ../shared/corpus/cuts, per file and in total, beside ffmpeg's scene score
 * on the same files.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_SIZE, resolveSelector } from '../../shared/index.ts';
import { ffmpegPath } from '../../shared/media/ffmpeg.ts';
import { openMedia, resolveLimits } from '../../shared/media/index.ts';
import type { ClipTruth } from '../synthetic/clips.ts';
import { writeSyntheticClips } from '../synthetic/write.ts';
import { CORPUS_RULE, cutCorpus } from './cut-corpus.ts';
import { addScores, scoreCuts, type CutScore, type ScoreRule } from './cut-score.ts';

const exec = promisify(execFile);
export const FFMPEG_SCENE_THRESHOLD = 0.3;
export const SYNTHETIC_SEEDS = [1, 2, 3, 4, 5, 6];

/** Frames (decode order) whose ffmpeg scene score is above the threshold. */
export async function ffmpegCuts(path: string, threshold = FFMPEG_SCENE_THRESHOLD): Promise<number[]> {
  const filter = "select='gte(scene,0)',metadata=print:key=lavfi.scene_score";
  const args = ['-hide_banner', '-nostdin', '-i', path, '-map', '0:v:0', '-fps_mode', 'passthrough', '-vf', filter, '-f', 'null', '-'];
  const { stderr } = await exec(ffmpegPath(), args, { maxBuffer: 64 * 1024 * 1024 });
  const cuts: number[] = [];
  for (const m of stderr.matchAll(/frame:(\d+)\s[^\n]*\n[^\n]*lavfi\.scene_score=([\d.]+)/g)) {
    if (Number(m[2]) > threshold) cuts.push(Number(m[1]));
  }
  return cuts;
}

/**
 * The start of every shot after the first (hard cuts, and the middle of each
 * gradual transition), from the scene selector with its defaults. Only the
 * decisions are needed, so frames go straight to the selector and no key
 * frame is rendered.
 */
export async function framesiftCuts(path: string): Promise<number[]> {
  const source = await openMedia(path, { size: DEFAULT_SIZE, limits: resolveLimits() });
  const selector = resolveSelector('scene').create();
  for await (const frame of source.frames()) selector.push(frame);
  return selector.finish().shots!.slice(1).map((shot) => shot.startFrame);
}

export interface FileResult {
  name: string;
  cuts: number;
  gradual: number;
  framesift: CutScore;
  ffmpeg: CutScore;
}

export interface SetResult {
  files: FileResult[];
  framesift: ReturnType<typeof addScores>;
  ffmpeg: ReturnType<typeof addScores>;
}

export async function scoreSet(files: Array<ClipTruth & { name: string; path: string }>, rule?: ScoreRule): Promise<SetResult> {
  const results: FileResult[] = [];
  for (const file of files) {
    results.push({
      name: file.name,
      cuts: file.cuts.length,
      gradual: file.gradual.length,
      framesift: scoreCuts(await framesiftCuts(file.path), file, rule),
      ffmpeg: scoreCuts(await ffmpegCuts(file.path), file, rule),
    });
  }
  return { files: results, framesift: addScores(results.map((r) => r.framesift)), ffmpeg: addScores(results.map((r) => r.ffmpeg)) };
}

export async function benchCuts(dir: string, seeds = SYNTHETIC_SEEDS): Promise<{ generated: SetResult; corpus: SetResult }> {
  const clips = (await Promise.all(seeds.map((seed) => writeSyntheticClips(`${dir}/seed-${seed}`, seed)))).flat();
  const named = clips.map((clip, k) => ({ ...clip, name: `${clip.name} (seed ${seeds[Math.floor(k / (clips.length / seeds.length))]})` }));
  return { generated: await scoreSet(named), corpus: await scoreSet(cutCorpus(), CORPUS_RULE) };
}
