/**
 * `npm run bench`: figures, not a test. Every ratio is between numbers measured
 * in this run, on this machine. `npm run bench -- --only engine,cuts` runs some parts.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SELECTOR, SELECTOR_NAMES } from '../../shared/index.ts';
import { formatTable } from '../cli/table.ts';
import { longClipFrames } from '../synthetic/clips.ts';
import { encodeGif } from '../synthetic/gif.ts';
import { benchCuts, type SetResult } from './cuts.ts';
import type { CutScore } from './cut-score.ts';
import { benchFanOut } from './fan-out.ts';
import { benchPipeline } from './pipeline.ts';
import { PINNED, runJob } from './processes.ts';
import { benchSsim } from './ssim.ts';

const CORPUS_GIFS = resolve(import.meta.dirname, '../../../shared/corpus/gifs');
const WORK = join(tmpdir(), 'framesift-bench');
const RSS_TARGET_MB = 256;

// `--only engine,cuts` or `--only=engine,cuts`
const onlyAt = process.argv.findIndex((a) => a === '--only' || a.startsWith('--only='));
const only = onlyAt < 0 ? undefined : (process.argv[onlyAt]!.split('=')[1] ?? process.argv[onlyAt + 1] ?? '').split(',');
const wanted = (part: string) => !only || only.includes(part);

const fmt = (n: number, digits = 1) => n.toFixed(digits);
function table(rows: Array<Record<string, string | number>>): void {
  console.log(`${formatTable(rows)}\n`);
}

function corpusGifs(): string[] {
  if (!existsSync(CORPUS_GIFS)) throw new Error(`The corpus is missing: expected ${CORPUS_GIFS}`);
  return readdirSync(CORPUS_GIFS).sort().map((f) => join(CORPUS_GIFS, f));
}

async function engine(): Promise<void> {
  const files = corpusGifs();
  console.log(`## Engine over ${files.length} corpus GIFs, one process per row${PINNED ? ', pinned to one core (taskset -c 0)' : ''}\n`);
  const floor = await runJob('decode-floor', files);
  const rows = [];
  for (const job of ['decode-floor', 'normalise', ...SELECTOR_NAMES]) {
    const r = job === 'decode-floor' ? floor : await runJob(job, files);
    rows.push({
      job: job === DEFAULT_SELECTOR ? `${job} (default)` : job,
      'files/s': fmt(r.files / r.seconds),
      'frames/s': fmt(r.frames / r.seconds, 0),
      'vs decode floor': `${fmt(r.frames / r.seconds / (floor.frames / floor.seconds), 2)}×`,
      'peak RSS MB': fmt(r.peakRssMb, 0),
      failed: r.failed,
    });
  }
  table(rows);
  console.log('decode-floor: sharp decodes every frame at full size in one call, no selection (peak RSS is the whole animation).');
  console.log('normalise: framesift decoding every frame in bounded windows and computing its 128×128 analysis image, no selection.\n');
}

async function perFileMemory(): Promise<void> {
  const files = corpusGifs();
  const results = [];
  // Two at a time: memory is per process, and the machine has two cores.
  for (let i = 0; i < files.length; i += 2) {
    results.push(...(await Promise.all(files.slice(i, i + 2).map((f) => runJob(DEFAULT_SELECTOR, [f])))));
  }
  const peaks = results.map((r, i) => ({ file: files[i]!.split('/').pop()!, mb: r.peakRssMb })).sort((a, b) => b.mb - a.mb);
  const over = peaks.filter((p) => p.mb > RSS_TARGET_MB);
  console.log(`## Peak RSS per corpus file, ${DEFAULT_SELECTOR} selector, one process per file\n`);
  table(peaks.slice(0, 5).map((p) => ({ file: p.file, 'peak RSS MB': fmt(p.mb, 0) })));
  console.log(`largest ${fmt(peaks[0]!.mb, 0)} MB; files over ${RSS_TARGET_MB} MB: ${over.length}\n`);
}

async function flatMemory(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const rows = [];
  for (const frames of [200, 1000, 2000]) {
    const path = join(WORK, `long-${frames}.gif`);
    if (!existsSync(path)) writeFileSync(path, encodeGif(320, 240, longClipFrames(frames, 320, 240)));
    const r = await runJob(DEFAULT_SELECTOR, [path]);
    rows.push({ gif: `320×240, ${frames} frames`, 'frames/s': fmt(r.frames / r.seconds, 0), 'peak RSS MB': fmt(r.peakRssMb, 0) });
  }
  console.log(`## Memory against frame count (${DEFAULT_SELECTOR} selector)\n`);
  table(rows);
  console.log('GIFs decode in 32 MiB windows; the peak holds the live window plus the garbage V8 lets build up before it collects.\n');
}

async function cuts(): Promise<void> {
  const r = await benchCuts(join(WORK, 'clips'));
  const score = (s: CutScore) => `${s.truePositives}/${s.truePositives + s.falseNegatives}, ${s.falsePositives} false`;
  const total = (detector: string, t: SetResult['framesift']) => ({
    detector,
    recall: fmt(t.recall, 3),
    precision: fmt(t.precision, 3),
    'true +': t.truePositives,
    'false +': t.falsePositives,
    'false −': t.falseNegatives,
  });
  for (const [title, set, rule] of [
    ['generated clips', r.generated, '±1 frame'],
    ['../shared/corpus/cuts', r.corpus, '±1 frame for a cut, ±2 around a gradual range, don\'t-care ignored'],
  ] as const) {
    const cutCount = set.files.reduce((n, f) => n + f.cuts, 0);
    const gradualCount = set.files.reduce((n, f) => n + f.gradual, 0);
    console.log(`## Cut detection on ${title}: ${set.files.length} files, ${cutCount} hard cuts, ${gradualCount} gradual transitions (${rule})\n`);
    if (set === r.corpus || process.argv.includes('--per-file')) {
      table(set.files.map((f) => ({ file: f.name, cuts: f.cuts, gradual: f.gradual, 'framesift scene': score(f.framesift), "ffmpeg scene>0.3": score(f.ffmpeg) })));
    }
    table([total('framesift scene (defaults)', set.framesift), total("ffmpeg select='gt(scene,0.3)'", set.ffmpeg)]);
  }
}

async function pipeline(): Promise<void> {
  const files = corpusGifs();
  const r = await benchPipeline(CORPUS_GIFS, files);
  const engineRate = r.engine.files / r.engine.seconds;
  const one = r.runs[0]!;
  console.log(`## Local pipeline (upload → fan-out → extract → compact → DuckDB) over ${files.length} corpus GIFs\n`);
  table([
    { run: `engine alone, ${DEFAULT_SELECTOR}, one process`, seconds: fmt(r.engine.seconds, 2), 'files/s': fmt(engineRate), 'vs engine': '1.00×', 'vs 1 worker': '' },
    ...r.runs.map((run) => ({
      run: `npm start, --concurrency ${run.concurrency}`,
      seconds: fmt(run.seconds, 2),
      'files/s': fmt(run.files / run.seconds),
      'vs engine': `${fmt(run.seconds / r.engine.seconds, 2)}× the time`,
      'vs 1 worker': `${fmt(one.seconds / run.seconds, 2)}× the throughput`,
    })),
  ]);
}

async function fanOut(): Promise<void> {
  const r = await benchFanOut();
  console.log('## Fan-out to the Pub/Sub emulator\n');
  table([{ manifest: `${r.lines.toLocaleString('en')} lines`, published: r.published, seconds: fmt(r.seconds, 2), 'messages/s': fmt(r.perSecond, 0) }]);
  console.log('Every message acknowledged by the emulator (flush awaits each publish); manifest streamed from the local store.\n');
}

function ssim(): void {
  const r = benchSsim();
  console.log('## SSIM of one 256×256 grayscale pair\n');
  table([
    { implementation: 'ssim.js 3.5 (weber, RGBA in)', 'ms/pair': fmt(r.ssimJsMs, 2) },
    { implementation: 'framesift ssimGray (integral images)', 'ms/pair': fmt(r.framesiftMs, 2) },
  ]);
  console.log(`speed-up ${fmt(r.ssimJsMs / r.framesiftMs, 1)}×; largest |difference| in SSIM ${r.largestDifference.toExponential(1)}\n`);
}

console.log(`# framesift bench (${new Date().toISOString().slice(0, 10)}, node ${process.version})\n`);
if (wanted('ssim')) ssim();
if (wanted('engine')) await engine();
if (wanted('memory')) {
  await flatMemory();
  await perFileMemory();
}
if (wanted('cuts')) await cuts();
if (wanted('pipeline')) await pipeline();
if (wanted('fanout')) await fanOut();
