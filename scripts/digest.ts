/**
 * `npx tsx scripts/digest.ts [DIR] > digest.txt`: one line per GIF and selector with a hash of the
 * whole record (every frame's statistics included) and of each key-frame image, so that two commits
 * can be compared by a diff of their digests. DIR defaults to the shared corpus.
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { extractKeyFrames, SELECTOR_NAMES } from '../shared/index.ts';

const dir = resolve(process.argv[2] ?? join(import.meta.dirname, '../../shared/corpus/gifs'));
const short = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex').slice(0, 16);

for (const file of readdirSync(dir).filter((f) => f.endsWith('.gif')).sort()) {
  for (const selector of SELECTOR_NAMES) {
    try {
      const { record, images } = await extractKeyFrames(join(dir, file), { selector, frameStats: true });
      console.log(`${file} ${selector} ${short(JSON.stringify(record))} ${images.map(short).join(',')}`);
    } catch (error) {
      console.log(`${file} ${selector} ERROR ${(error as Error).message}`);
    }
  }
}
