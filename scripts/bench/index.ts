/**
 * `npm run bench`: figures, not a test. Every ratio is between numbers measured
 * in this run, on this machine. `npm run bench -- --only engine,video,memory` runs some parts
 * (ssim, resample, engine, video, memory, cuts, pipeline, fanout, coldstart, export, cloud).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_SELECTOR, SELECTOR_NAMES } from '../../shared/index.ts';
import { COMPACTION_SHARDS } from '../../shared/pipeline/layout.ts';
import { boolean, number, positiveInteger, text, type Setting } from '../../shared/settings.ts';
import { parseCommandArgs } from '../cli/flags.ts';
import { formatTable } from '../cli/table.ts';
import { longClipFrames } from '../synthetic/clips.ts';
import { encodeGif } from '../synthetic/gif.ts';
import { benchColdStarts, cliHelpPeakRssMb } from './coldstart.ts';
import { benchCuts, type SetResult } from './cuts.ts';
import { exportBench } from './export.ts';
import type { CutScore } from './cut-score.ts';
import { benchFanOut } from './fan-out.ts';
import { benchPipeline } from './pipeline.ts';
import { notebookMissing, runNotebook } from './notebook.ts';
import { CAN_MEASURE_COMMANDS, framesiftCommand, PINNED, runCommand, runJob } from './processes.ts';
import type { JobResult } from './worker.ts';
import { benchResample, corpusDifference } from './resample.ts';
import { benchSsim } from './ssim.ts';
import { benchVideo } from './video.ts';

const CORPUS_GIFS = resolve(import.meta.dirname, '../../../shared/corpus/gifs');
const CORPUS_VIDEO = resolve(import.meta.dirname, '../../../shared/corpus/videos/Zulko__moviepy__big_buck_bunny_0_30.webm');
const WORK = join(tmpdir(), 'framesift-bench');
/** The bound on peak RSS through `framesift extract`, for every corpus file and the video. */
const RSS_TARGET_MB = 150;

const { values: options } = parseCommandArgs(process.argv.slice(2), {
  // `--only engine,cuts`: some parts only.
  only: { flag: 'only', default: undefined, parse: (raw: unknown, name: string) => text(raw, name).split(',') } satisfies Setting<string[] | undefined>,
  // `--before REF`: cold starts of that commit too, as it was deployed.
  before: { flag: 'before', default: undefined, parse: text } satisfies Setting<string | undefined>,
  perFile: { flag: 'per-file', switch: true, default: false, parse: boolean } satisfies Setting<boolean>,
  // The cloud part: files through the adapters (every corpus GIF once by default: the corpus' size profile), latency per Cloud Storage request, extract concurrencies, backlog size.
  files: { flag: 'files', default: undefined, parse: positiveInteger } satisfies Setting<number | undefined>,
  latencyMs: { flag: 'latency-ms', default: 20, parse: number } satisfies Setting<number>,
  concurrency: { flag: 'concurrency', default: [1, 4, 8], parse: (raw: unknown, name: string) => text(raw, name).split(',').map((c) => positiveInteger(c, name)) } satisfies Setting<number[]>,
  backlog: { flag: 'backlog', default: 20_000, parse: positiveInteger } satisfies Setting<number>,
});
const wanted = (part: string) => !options.only || options.only.includes(part);

const fmt = (n: number, digits = 1) => n.toFixed(digits);
function table(rows: Array<Record<string, string | number>>): void {
  console.log(`${formatTable(rows)}\n`);
}

function corpusGifs(): string[] {
  if (!existsSync(CORPUS_GIFS)) throw new Error(`The corpus is missing: expected ${CORPUS_GIFS}`);
  return readdirSync(CORPUS_GIFS).sort().map((f) => join(CORPUS_GIFS, f));
}

/** Rounds of every engine job; each figure is the median, and jobs take turns so load drifts hit all of them. */
const ENGINE_ROUNDS = 3;

async function engine(): Promise<void> {
  const files = corpusGifs();
  console.log(`## Engine over ${files.length} corpus GIFs, one process per row${PINNED ? ', pinned to one core (taskset -c 0)' : ''}, median of ${ENGINE_ROUNDS}\n`);
  const jobs = ['decode-floor', 'normalise', ...SELECTOR_NAMES];
  const runs = new Map<string, JobResult[]>(jobs.map((job) => [job, []]));
  for (let round = 0; round < ENGINE_ROUNDS; round++) for (const job of jobs) runs.get(job)!.push(await runJob(job, files));
  const median = (job: string): JobResult => [...runs.get(job)!].sort((a, b) => a.seconds - b.seconds)[Math.floor(ENGINE_ROUNDS / 2)]!;
  const floor = median('decode-floor');
  const rows: Array<Record<string, string | number>> = [];
  for (const job of jobs) {
    const r = median(job);
    rows.push({
      job: job === DEFAULT_SELECTOR ? `${job} (default)` : job,
      'files/s': fmt(r.files / r.seconds),
      'frames/s': fmt(r.frames / r.seconds, 0),
      'vs decode floor': `${fmt(r.frames / r.seconds / (floor.frames / floor.seconds), 2)}×`,
      'peak RSS MB': fmt(Math.max(...runs.get(job)!.map((x) => x.peakRssMb)), 0),
      failed: r.failed,
    });
  }
  const missing = await notebookMissing();
  if (missing) {
    console.log(`(notebook row skipped: ${missing})\n`);
  } else {
    mkdirSync(WORK, { recursive: true });
    const r = await runNotebook(CORPUS_GIFS, WORK);
    rows.push({
      job: 'notebook (baseline_notebook.py)',
      'files/s': '',
      'frames/s': fmt(r.framesPerSecond, 0),
      'vs decode floor': `${fmt(r.framesPerSecond / (floor.frames / floor.seconds), 2)}×`,
      'peak RSS MB': fmt(r.peakRssMb, 0),
      failed: r.errors,
    });
  }
  table(rows);
  console.log('decode-floor: sharp decodes every frame at full size in one call, no selection (peak RSS is the whole animation).');
  console.log('normalise: framesift streaming every frame through its GIF decoder and rendering it at S×S and its 128×128 analysis image, no selection.');
  console.log("notebook: the original pipeline in one pinned process, frames of the GIFs it decodes over its own loop time.\n");
}

async function video(): Promise<void> {
  const r = await benchVideo(CORPUS_VIDEO);
  const frames = r.pinned.frames;
  const peer = r.decodeAndScale.seconds;
  const middle = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`## Video: the first 30 s of Big Buck Bunny (${frames} frames, 1280×720), ${DEFAULT_SELECTOR} selector, median of ${r.rounds}\n`);
  table([
    { run: 'ffmpeg decode only, pinned', seconds: fmt(r.decode.seconds, 2), 'frames/s': fmt(frames / r.decode.seconds, 0), 'vs decode-and-scale': `${fmt(peer / r.decode.seconds, 2)}×`, 'peak RSS MB': fmt(r.decode.peakRssMb, 0) },
    { run: 'ffmpeg decode and scale to 128 px, pinned', seconds: fmt(peer, 2), 'frames/s': fmt(frames / peer, 0), 'vs decode-and-scale': '1.00×', 'peak RSS MB': fmt(r.decodeAndScale.peakRssMb, 0) },
    { run: 'framesift engine, node and ffmpeg pinned to one core', seconds: fmt(r.pinned.seconds, 2), 'frames/s': fmt(frames / r.pinned.seconds, 0), 'vs decode-and-scale': `${fmt(middle(r.ratios.pinned), 2)}×`, 'peak RSS MB': fmt(r.pinned.peakRssMb, 0) },
    { run: 'framesift engine, not pinned (ffmpeg and node in parallel)', seconds: fmt(r.unpinned.seconds, 2), 'frames/s': fmt(frames / r.unpinned.seconds, 0), 'vs decode-and-scale': `${fmt(middle(r.ratios.unpinned), 2)}×`, 'peak RSS MB': fmt(r.unpinned.peakRssMb, 0) },
  ]);
  const each = (values: number[]) => values.map((v) => `${fmt(v, 2)}×`).join(', ');
  console.log(`framesift's ratios are the median of each round's own (decode-and-scale that round over framesift that round): pinned ${each(r.ratios.pinned)}; not pinned ${each(r.ratios.unpinned)}.`);
  console.log('ffmpeg rows are whole processes (GNU time); framesift rows time extractKeyFrames inside one process (start-up excluded), RSS of that node process.\n');
}

async function perFileMemory(): Promise<void> {
  const files = [...corpusGifs(), CORPUS_VIDEO];
  const help = await runCommand(framesiftCommand(['--help']), { pin: false });
  const results: Array<{ command: number; engine: number }> = [];
  // Two files at a time: memory is per process, and the machine has two cores.
  for (let i = 0; i < files.length; i += 2) {
    const pair = files.slice(i, i + 2);
    const commands = await Promise.all(pair.map((f) => runCommand(framesiftCommand(['extract', f]), { pin: false })));
    const engines = await Promise.all(pair.map((f) => runJob(DEFAULT_SELECTOR, [f], { pin: false })));
    results.push(...commands.map((c, k) => ({ command: c.peakRssMb, engine: engines[k]!.peakRssMb })));
  }
  const peaks = results.map((r, i) => ({ file: files[i]!.split('/').pop()!, mb: r.command, engine: r.engine })).sort((a, b) => b.mb - a.mb);
  const largestEngine = [...peaks].sort((a, b) => b.engine - a.engine)[0]!;
  const over = peaks.filter((p) => p.mb > RSS_TARGET_MB);
  console.log(`## Peak RSS through \`framesift extract\` (${DEFAULT_SELECTOR}), one command per file: ${files.length - 1} corpus GIFs and the video\n`);
  table([
    ...peaks.slice(0, 5).map((p) => ({ file: p.file, 'framesift extract, peak RSS MB': fmt(p.mb, 0), 'engine alone, peak RSS MB': fmt(p.engine, 0) })),
    { file: '(framesift --help: start-up alone)', 'framesift extract, peak RSS MB': fmt(help.peakRssMb, 0), 'engine alone, peak RSS MB': '' },
  ]);
  const video = peaks.find((p) => p.file === CORPUS_VIDEO.split('/').pop())!;
  console.log(`framesift extract: largest ${fmt(peaks[0]!.mb, 0)} MB, video ${fmt(video.mb, 0)} MB, files over ${RSS_TARGET_MB} MB: ${over.length}.`);
  console.log(`Engine alone (scripts/bench/worker.ts, one file per process): largest ${fmt(largestEngine.engine, 0)} MB (${largestEngine.file}), video ${fmt(video.engine, 0)} MB.\n`);
}

async function flatMemory(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  const rows = [];
  const [width, height] = [480, 360];
  for (const frames of [200, 2000]) {
    const path = join(WORK, `long-${width}x${height}-${frames}.gif`);
    if (!existsSync(path)) writeFileSync(path, encodeGif(width, height, longClipFrames(frames, width, height)));
    const r = await runCommand(framesiftCommand(['extract', path]));
    rows.push({ gif: `${width}×${height}, ${frames} frames`, seconds: fmt(r.seconds, 2), 'peak RSS MB': fmt(r.peakRssMb, 1) });
  }
  console.log(`## Memory against frame count, through \`framesift extract\` (${DEFAULT_SELECTOR})\n`);
  table(rows);
  console.log(`2,000 frames peak at ${fmt(Number(rows[1]!['peak RSS MB']) / Number(rows[0]!['peak RSS MB']), 2)}× the 200-frame GIF (one canvas, one saved copy, one index buffer, whatever the length).\n`);
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
    if (set === r.corpus || options.perFile) {
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
  table([{ manifest: `${r.lines.toLocaleString('en')} lines`, published: r.published, seconds: fmt(r.seconds, 2), 'messages/s': fmt(r.perSecond, 0), 'into a publisher that sends nothing': `${fmt(r.alonePerSecond, 0)}/s` }]);
  console.log('Every message acknowledged by the emulator (flush awaits each publish); manifest streamed from the local store.\n');
}

async function cloud(): Promise<void> {
  const [{ benchCloud }, { EXTRACT_CONCURRENCY, SHAPES, costPerMillion, uploadPerMillion, videoIntelligencePerMillion }] = await Promise.all([import('./cloud.ts'), import('./cloud-cost.ts')]);
  const corpus = corpusGifs();
  const r = await benchCloud(corpus, { files: options.files ?? corpus.length, latencyMs: options.latencyMs, concurrencies: options.concurrency, backlog: options.backlog });
  const n = r.files;
  console.log(`## Cloud path: ${n} corpus files (${fmt(r.sourceBytes / n / 1024, 0)} KiB each on average) and their manifest, ${r.latencyMs} ms added to every Cloud Storage request\n`);
  const per = (count: number) => fmt(count / n, 2);
  table([
    { step: 'fan-out (an event per file, one for the manifest)', 'object writes': per(r.fanOut.requests.writes), 'class A': per(r.fanOut.requests.classA), 'class B': per(r.fanOut.requests.classB), publishes: per(r.fanOut.published), invocations: per(r.fanOut.invocations) },
    { step: 'extract (records published to the records topic)', 'object writes': per(r.extract.requests.writes), 'class A': per(r.extract.requests.classA), 'class B': per(r.extract.requests.classB), publishes: per(r.extract.records), invocations: '1' },
    { step: `compaction of the ${n} (and the manifest's entries)`, 'object writes': per(r.compaction.requests.writes), 'class A': per(r.compaction.requests.classA), 'class B': per(r.compaction.requests.classB), publishes: '0', invocations: `${r.compaction.loadJobs} load jobs` },
    { step: `compaction of a ${r.backlog.records.toLocaleString('en')}-record backlog pulled from the records subscription, per record`, 'object writes': fmt(r.backlog.requests.writes / r.backlog.records, 4), 'class A': fmt(r.backlog.requests.classA / r.backlog.records, 4), 'class B': fmt(r.backlog.requests.classB / r.backlog.records, 4), publishes: '0', invocations: `${r.backlog.loadJobs} load jobs` },
  ]);
  console.log(`Cloud Storage requests per file, and Pub/Sub messages published per file. Deletes are free and not counted above. A record message is ${fmt(r.extract.recordBytes / 1024, 1)} KiB.\n`);
  table(
    r.extract.runs.map((run) => ({
      'requests at once': run.concurrency,
      'wall ms/file': fmt((run.wallSeconds / n) * 1000, 0),
      'CPU ms/file': fmt((run.cpuSeconds / n) * 1000, 0),
      'CPU busy': `${fmt((100 * run.cpuSeconds) / run.wallSeconds, 0)}%`,
      'peak RSS MB': fmt(run.peakRssMb, 0),
      'vs 1 at once': `${fmt(r.extract.runs[0]!.wallSeconds / run.wallSeconds, 2)}× the files per instance-second`,
      results: Object.entries(run.statuses).map(([k, v]) => `${v} ${k}`).join(', '),
    })),
  );
  console.log(`One extract instance: a process pinned to one core${PINNED ? '' : ' (taskset missing: not pinned)'}, given the requests at most N at a time.\n`);
  const rate = r.backlog.records / r.backlog.seconds;
  const shards = COMPACTION_SHARDS.length;
  console.log(
    `Compaction, one instance: ${r.backlog.records.toLocaleString('en')} records in ${fmt(r.backlog.seconds, 1)} s, ${fmt(rate, 0)} records/s (CPU ${fmt((100 * r.backlog.cpuSeconds) / r.backlog.seconds, 0)}% busy). ` +
      `The ${shards} scheduled runs (one per inbox shard) pull the records subscription side by side, an instance each: ${shards} × ${fmt(rate, 0)} = ${fmt(shards * rate, 0)} records/s, ` +
      `so a 1,000,000-record backlog takes 1,000,000 / ${fmt(shards * rate, 0)} = ${fmt(1e6 / (shards * rate) / 60, 1)} minutes (one instance alone: ${fmt(1e6 / rate / 60, 1)}).\n`,
  );
  // Priced at the stack's concurrency when it was measured, else at the best one.
  const priced = r.extract.runs.find((run) => run.concurrency === EXTRACT_CONCURRENCY) ?? [...r.extract.runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[0]!;
  const lines = costPerMillion(r, priced, SHAPES.extract);
  const total = lines.reduce((sum, line) => sum + line.dollarsPerMillion, 0);
  table([...lines.map((l) => ({ item: l.item, 'per file': l.perFile, '$ per million files': fmt(l.dollarsPerMillion, 2) })), { item: 'framesift, total', 'per file': '', '$ per million files': fmt(total, 2) }, { item: "the user's upload to the ingest bucket (one insert a file)", 'per file': '1', '$ per million files': fmt(uploadPerMillion(), 2) }, { item: 'Google Video Intelligence shot detection ($0.05 a minute, one minute at least)', 'per file': '', '$ per million files': fmt(videoIntelligencePerMillion(), 0) }]);
  console.log(`Prices: scripts/bench/cloud-prices.ts (list prices read 2026-12-01, with their pages). framesift costs ${fmt(videoIntelligencePerMillion() / total, 0)}× less than Video Intelligence here.\n`);
}

async function coldStarts(): Promise<void> {
  const results = await benchColdStarts({ before: options.before });
  console.log('## Cold starts: process start to first event answered, empty caches, median of 3\n');
  table(
    results.map((r) => ({
      variant: r.variant,
      function: r.target,
      'listening ms': fmt(r.listeningMs, 0),
      'ready ms': fmt(r.readyMs, 0),
      'serving RSS MB': fmt(r.servingRssMb, 0),
      'RSS after event MB': fmt(r.afterEventRssMb, 0),
    })),
  );
  console.log(`framesift --help: peak RSS ${fmt(cliHelpPeakRssMb(), 0)} MB (tsx included)\n`);
  console.log('built: the deployed archive, as Cloud Run serves it. source: the TypeScript tree through tsx. ref:…: that commit, as it was deployed.\n');
}

function ssim(): void {
  const r = benchSsim();
  console.log('## SSIM of one 256×256 grayscale pair\n');
  table([
    { implementation: 'ssim.js 3.5 (weber, RGBA in)', 'ms/pair': fmt(r.ssimJsMs, 2) },
    { implementation: 'framesift ssimGray (running window sums)', 'ms/pair': fmt(r.framesiftMs, 2) },
  ]);
  console.log(`speed-up ${fmt(r.ssimJsMs / r.framesiftMs, 1)}×; largest |difference| in SSIM ${r.largestDifference.toExponential(1)}\n`);
}

async function resample(): Promise<void> {
  const rows = await benchResample();
  console.log('## Resampling one RGBA canvas to a letterboxed RGB square, ms a frame\n');
  table(
    rows.map((r) => ({
      shape: r.shape,
      'exact (double)': fmt(r.exactMs, 3),
      'fixed point (GIF frames at S×S)': fmt(r.fixedMs, 3),
      'sharp resize': fmt(r.sharpMs, 3),
      'exact / fixed': `${fmt(r.exactMs / r.fixedMs, 2)}×`,
      'sharp / fixed': `${fmt(r.sharpMs / r.fixedMs, 2)}×`,
      'largest fixed − exact': r.largestDifference,
    })),
  );
  console.log('exact: double-precision area averaging (linear when enlarging), which shrinks an S×S square to the analysis image at sizes other than 2:1; fixed point: 14-bit weights, every GIF frame at S×S; sharp: libvips resize to the same square (its own kernel), one call a frame.\n');
  const d = corpusDifference(corpusGifs());
  console.log(`Every frame of the corpus GIFs at 256×256 both ways: ${d.differing} of ${d.samples} samples differ (${fmt((100 * d.differing) / d.samples, 3)}%, ${d.frames} frames), by at most ${d.largest}.\n`);
}

// Nothing here runs on Google Compute Engine: keep Google's clients from probing for its metadata server.
process.env.METADATA_SERVER_DETECTION ??= 'none';
console.log(`# framesift bench (${new Date().toISOString().slice(0, 10)}, node ${process.version})\n`);
if (wanted('ssim')) ssim();
if (wanted('resample')) await resample();
if (wanted('engine')) await engine();
if (wanted('video')) await video();
if (wanted('memory')) {
  if (CAN_MEASURE_COMMANDS) {
    await flatMemory();
    await perFileMemory();
  } else {
    console.log('(memory rows skipped: they need GNU time at /usr/bin/time to see the peak RSS of a whole command)\n');
  }
}
if (wanted('cuts')) await cuts();
if (wanted('pipeline')) await pipeline();
if (wanted('fanout')) await fanOut();
if (wanted('coldstart')) await coldStarts();
if (wanted('export')) await exportBench(corpusGifs(), WORK);
if (wanted('cloud')) await cloud();
