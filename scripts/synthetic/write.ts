import { mkdir, writeFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syntheticClips, type Clip } from './clips.ts';
import { encodeGif } from './gif.ts';

export interface WrittenClip extends Clip {
  path: string;
}

/** Write the synthetic clips as GIFs into `dir` (skipping files already there) and return them with paths. */
export async function writeSyntheticClips(dir: string, seed = 1): Promise<WrittenClip[]> {
  await mkdir(dir, { recursive: true });
  const clips = syntheticClips(seed);
  return Promise.all(
    clips.map(async (clip) => {
      const path = join(dir, `${clip.name}.gif`);
      const exists = await stat(path).then(() => true, () => false);
      if (!exists) await writeFile(path, encodeGif(clip.width, clip.height, clip.frames));
      return { ...clip, path };
    }),
  );
}
