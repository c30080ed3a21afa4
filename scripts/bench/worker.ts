/**
 * One benchmark job in a process of its own, so its peak RSS is its own:
 * `worker.ts <job> <files…>` prints one JSON line of figures.
 */
import sharp from 'sharp';
import { DEFAULT_SIZE, extractKeyFrames } from '../../shared/index.ts';
import { openMedia, resolveLimits } from '../../shared/media/index.ts';

export interface JobResult {
  job: string;
  files: number;
  frames: number;
  failed: number;
  seconds: number;
  peakRssMb: number;
}

async function run(job: string, files: string[]): Promise<JobResult> {
  let frames = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  for (const file of files) {
    try {
      frames += await runOne(job, file);
    } catch {
      failed++;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { job, files: files.length, frames, failed, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

async function runOne(job: string, file: string): Promise<number> {
  if (job === 'decode-floor') {
    // sharp decoding every frame at full size in one call: the cheapest way to see every frame.
    const { info } = await sharp(file, { pages: -1, limitInputPixels: false }).raw().toBuffer({ resolveWithObject: true });
    return Math.round(info.height / (info.pageHeight ?? info.height));
  }
  if (job === 'normalise') {
    // The engine's default side, so this row decodes exactly what extraction decodes.
    const source = await openMedia(file, { size: DEFAULT_SIZE, limits: resolveLimits() });
    let n = 0;
    for await (const _ of source.frames()) n++;
    return n;
  }
  const { record } = await extractKeyFrames(file, { selector: job });
  return record.media.frameCount;
}

sharp.cache(false);
const [job, ...files] = process.argv.slice(2);
console.log(JSON.stringify(await run(job!, files)));
