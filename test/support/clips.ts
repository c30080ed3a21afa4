import { beforeAll } from 'vitest';
import { writeSyntheticClips, type WrittenClip } from '../../scripts/synthetic/write.ts';
import { tempDir } from './tmp.ts';

/** The synthetic clips written once per test file; look one up by name inside a test. */
export function useSyntheticClips(): (name: string) => WrittenClip {
  const dir = tempDir('framesift-clips-');
  let clips: WrittenClip[] = [];
  beforeAll(async () => {
    clips = await writeSyntheticClips(dir);
  });
  return (name) => {
    const clip = clips.find((c) => c.name === name);
    if (!clip) throw new Error(`No synthetic clip named ${name}`);
    return clip;
  };
}
