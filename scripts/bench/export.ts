/**
 * The dataset export over synthetic rows whose key frames are real: frames of
 * corpus GIFs, letterboxed into 256×256 black as framesift normalises them,
 * encoded as framesift encodes key frames, and reused across rows. Each format
 * writes to its own temporary folder, removed once measured.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { exportDataset, FolderSink, type ExportOptions, type ExportRow } from '../../shared/export/index.ts';
import { encodePng } from '../../shared/media/png.ts';
import { formatTable } from '../cli/table.ts';

const SIZE = 256;
const KEY_FRAMES = 10;
/** GIFs whose frames make the pool: enough variety of content, few enough to decode in seconds. */
const POOL_GIFS = 20;
const BLACK = { r: 0, g: 0, b: 0 };
/** The bounds: Parquet with 10 PNG key frames at ≤ 0.5 MB a GIF (the notebook: 1.16 MB), 10,000 rows in ≤ 60 s on one core. */
const ROWS = 10_000;
const TARGET_MB_PER_ROW = 0.5;
const TARGET_SECONDS = 60;
/** The tensor is 10×256×256×3 bytes a row (2 MB): 1,000 rows keep its run to 2 GB of disk. */
const TENSOR_ROWS = 1_000;

export interface ExportRun {
  run: string;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  bytes: number;
  shards: number;
}

/** KEY_FRAMES evenly spaced frames of one GIF (repeated when it has fewer), as 256×256 PNGs. */
async function keyFramesOf(path: string): Promise<Buffer[]> {
  const gif = await readFile(path);
  const pages = (await sharp(gif).metadata()).pages ?? 1;
  const frames: Buffer[] = [];
  for (let k = 0; k < KEY_FRAMES; k++) {
    const page = Math.round((k * (pages - 1)) / (KEY_FRAMES - 1));
    const rgb = await sharp(gif, { page, pages: 1 })
      .flatten({ background: BLACK })
      .resize(SIZE, SIZE, { fit: 'contain', background: BLACK })
      .removeAlpha()
      .raw()
      .toBuffer();
    frames.push(await encodePng(rgb, SIZE));
  }
  return frames;
}

function* syntheticRows(count: number, pool: readonly Buffer[][]): Generator<ExportRow> {
  for (let n = 0; n < count; n++) {
    const key = `bench-${String(n).padStart(6, '0')}`;
    yield {
      key,
      gifId: `${key}.gif`,
      description: `a short looping clip, number ${n}, of something moving across the frame`,
      sourceUri: `gs://framesift-ingest/${key}.gif`,
      selection: 'ssim',
      size: SIZE,
      keyFrames: pool[n % pool.length]!.map((png, k) => ({ ordinal: k, frameIndex: k * 7, timeMs: k * 70, png })),
      metrics: { motionScore: 0.31, energyMax: 12.5, energyMean: 4.25, isStatic: false, diversityMin: 0.12, diversityMean: 0.4, diversityMax: 0.8 },
    };
  }
}

/** One export per format into a fresh folder; `rows` for PNG Parquet and tar, `tensorRows` for the (8× larger) tensor run. */
export async function benchExport(gifs: readonly string[], workDir: string, counts: { rows: number; tensorRows: number }): Promise<{ runs: ExportRun[]; pngBytesPerRow: number }> {
  const step = Math.max(1, Math.floor(gifs.length / POOL_GIFS));
  const pool = await Promise.all(gifs.filter((_, i) => i % step === 0).slice(0, POOL_GIFS).map(keyFramesOf));
  const pngBytesPerRow = pool.reduce((n, frames) => n + frames.reduce((m, f) => m + f.length, 0), 0) / pool.length;
  const runs: ExportRun[] = [];
  const cases: Array<[string, number, ExportOptions]> = [
    ['Parquet, PNG key frames', counts.rows, { format: 'parquet' }],
    ['Parquet, PNG key frames and uint8 tensor', counts.tensorRows, { format: 'parquet', tensor: true }],
    ['WebDataset tar', counts.rows, { format: 'webdataset' }],
  ];
  for (const [run, rows, options] of cases) {
    const dir = join(workDir, `export-${options.format}${options.tensor ? '-tensor' : ''}`);
    await rm(dir, { recursive: true, force: true });
    const cpu = process.cpuUsage();
    const started = performance.now();
    const result = await exportDataset(syntheticRows(rows, pool), new FolderSink(dir), options);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    runs.push({ run, rows, seconds, cpuSeconds: (used.user + used.system) / 1e6, bytes: result.added.reduce((n, s) => n + s.bytes, 0), shards: result.added.length });
    await rm(dir, { recursive: true, force: true });
  }
  return { runs, pngBytesPerRow };
}

/** `npm run bench -- --only export`; run it under `taskset -c 0` for the one-core figure. */
export async function exportBench(gifs: readonly string[], workDir: string): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const r = await benchExport(gifs, workDir, { rows: ROWS, tensorRows: TENSOR_ROWS });
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  console.log(`## Dataset export: synthetic rows of ${KEY_FRAMES} real ${SIZE}×${SIZE} key frames (corpus GIF frames, ${fmt(r.pngBytesPerRow / 1e6, 3)} MB of PNG a row), ${availableParallelism()} core(s)\n`);
  const rows = r.runs.map((run) => ({
    run: run.run,
    rows: run.rows.toLocaleString('en'),
    seconds: fmt(run.seconds, 1),
    'CPU seconds': fmt(run.cpuSeconds, 1),
    'rows/s': fmt(run.rows / run.seconds, 0),
    'MB/row': fmt(run.bytes / run.rows / 1e6, 3),
    shards: run.shards,
  }));
  console.log(`${formatTable(rows)}\n`);
  const parquet = r.runs[0]!;
  console.log(
    `Parquet with PNG key frames: ${fmt(parquet.bytes / parquet.rows / 1e6, 3)} MB a row (target ≤ ${TARGET_MB_PER_ROW}), ` +
      `${parquet.rows.toLocaleString('en')} rows in ${fmt(parquet.seconds, 1)} s (target ≤ ${TARGET_SECONDS} s on one core).\n`,
  );
}
