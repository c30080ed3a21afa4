import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseExtractArgs } from './flags.ts';
import { statsCsv } from './stats-csv.ts';

export const EXTRACT_USAGE = `framesift extract <file> [options]

  --selector ssim|phash|scene|coreset|uniform   (default ssim)
  --out DIR             write key frames as DIR/<k>.png and the record as DIR/record.json
  --size N              side of the letterboxed square (default 256)
  --frame-stats         add every frame's scores to the record
  --stats FILE.csv      write every frame's scores as CSV (Frame Number,Timecode,<metrics>, as PySceneDetect)
  --static-energy N     largest frame energy of a static clip (default 10)
  --max-input-bytes N, --max-canvas-pixels N, --max-frames N, --max-duration-ms N, --timeout-ms N

  Selector options (see README):
  ssim     --threshold 0.95 --min-gap 10|0.5s --max-key-frames 10 --pad
  phash    --threshold 90 --max-key-frames 10
  scene    --threshold 0.3 --ratio 2.5 --window 2 --min-shot-length 3|0.5s --max-key-frames 10
  coreset  --max-key-frames 10 --min-distance 0.02
  uniform  --fps 1 | --every N, --max-key-frames 10`;

/** Prints the record as JSON on stdout; with --out, also writes the key frames as PNG. */
export async function runExtract(argv: string[]): Promise<void> {
  const { file, out, stats, frameStatsInRecord, options } = parseExtractArgs(argv);
  // Loaded here, not at start-up, so that `--help` costs nothing.
  const [{ extractKeyFrames }, { encodePng }, { SELECTORS }, { MOTION_METRICS }] = await Promise.all([
    import('../../shared/engine.ts'),
    import('../../shared/media/png.ts'),
    import('../../shared/selectors/index.ts'),
    import('../../shared/metrics.ts'),
  ]);
  const { record, images } = await extractKeyFrames(file, options);
  if (stats) await writeFile(stats, statsCsv(record.frames ?? [], [...SELECTORS[record.selector.name].metrics, ...MOTION_METRICS.declared]));
  if (!frameStatsInRecord) delete record.frames;
  if (out) {
    await mkdir(out, { recursive: true });
    await Promise.all(images.map(async (rgb, k) => writeFile(join(out, `${k}.png`), await encodePng(rgb, record.size))));
    await writeFile(join(out, 'record.json'), `${JSON.stringify(record, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
}
