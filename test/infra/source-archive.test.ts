import { appendFileSync, cpSync, utimesSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SOURCE_ENTRIES, packageSource } from '../../infra/source-archive.ts';
import { tempDir } from '../support/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('function source archive', () => {
  const dir = tempDir('framesift-archive-');

  it('has the same bytes when packaged twice', async () => {
    const first = await packageSource(ROOT);
    const second = await packageSource(ROOT);
    expect(second.bytes.equals(first.bytes)).toBe(true);
    expect(second.sha256).toBe(first.sha256);
    expect(first.files).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'functions/index.ts', 'shared/engine.ts']));
    expect(first.files.some((f) => f.startsWith('node_modules/') || f.startsWith('test/'))).toBe(false);
  });

  it('ignores timestamps but changes with any code change', async () => {
    const copy = join(dir, 'copy');
    for (const entry of SOURCE_ENTRIES) cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    const original = await packageSource(copy);
    utimesSync(join(copy, 'shared/engine.ts'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await packageSource(copy)).sha256).toBe(original.sha256);
    appendFileSync(join(copy, 'shared/engine.ts'), '\n// a change\n');
    expect((await packageSource(copy)).sha256).not.toBe(original.sha256);
  });
});
