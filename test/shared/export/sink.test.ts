import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderSink } from '../../../shared/export/index.ts';
import { tempDir } from '../../support/tmp.ts';

describe('the folder sink', () => {
  const root = tempDir('framesift-export-sink-');

  it('writes into nested folders, replaces, reads back, and leaves no partial files', async () => {
    const sink = new FolderSink(join(root, 'out'));
    expect(await sink.exists('train/a.tar')).toBe(false);
    expect(await sink.read('train/a.tar')).toBeNull();
    await sink.write('train/a.tar', Buffer.from('one'));
    await sink.write('train/a.tar', Buffer.from('two'));
    expect(await sink.exists('train/a.tar')).toBe(true);
    expect((await sink.read('train/a.tar'))!.toString()).toBe('two');
    expect(readdirSync(join(root, 'out', 'train'))).toEqual(['a.tar']);
  });

  it.each(['../escape', '/etc/passwd', 'train/../../x', 'a//b', '', '.hidden'])('refuses the name %j', async (name) => {
    const sink = new FolderSink(join(root, 'refused'));
    await expect(sink.write(name, Buffer.from('x'))).rejects.toThrow('Expected a relative name of safe segments');
    await expect(sink.read(name)).rejects.toThrow('Expected a relative name of safe segments');
  });
});
