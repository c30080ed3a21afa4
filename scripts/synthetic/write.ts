import { createHash } from 'node:crypto';
import { mkdir, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syntheticClips, type Clip } from './clips.ts';
import { encodeGif } from './gif.ts';

export interface WrittenClip extends Clip {
  path: string;
}

/**
 * Write the synthetic clips as GIFs into `dir` and return them with paths.
 * Each file is named by its clip and a digest of its frames, so a file already
 * there (skipped) is always the clip the ground truth describes, even after
 * the generator changes or when another checkout shares the folder.
 */
export async function writeSyntheticClips(dir: string, seed = 1): Promise<WrittenClip[]> {
  await mkdir(dir, { recursive: true });
  const clips = syntheticClips(seed);
  return Promise.all(
    clips.map(async (clip) => {
      const digest = createHash('sha256');
      for (const frame of clip.frames) digest.update(frame.rgba).update(String(frame.delayMs));
      const path = join(dir, `${clip.name}.${digest.digest('hex').slice(0, 12)}.gif`);
      const exists = await stat(path).then(() => true, () => false);
      if (!exists) await writeFile(path, encodeGif(clip.width, clip.height, clip.frames));
      return { ...clip, path };
    }),
  );
}
