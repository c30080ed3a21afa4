import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractKeyFrames, isFramesiftError, ErrorCode } from '../../shared/index.ts';
import { corpusFiles, corpusManifest } from '../support/corpus.ts';

/** Generous for a 2-core CI machine; a hang shows up as this, not as a stuck run. */
const PER_FILE_BOUND_MS = 20_000;
const CODES = new Set(Object.values(ErrorCode));

describe('real GIFs from ../shared/corpus/gifs', () => {
  const manifest = corpusManifest();
  const files = corpusFiles('gifs');

  it('has the whole corpus to test', () => {
    expect(files.length).toBe(161);
  });

  it.each(files.map((f) => [basename(f), f]))('%s decodes with its MANIFEST frame count', async (name, path) => {
    const { record, images } = await extractKeyFrames(path, { limits: { timeoutMs: PER_FILE_BOUND_MS } });
    const row = manifest.get(`gifs/${name}`)!;
    expect(record.media.frameCount).toBe(row.frames);
    expect([record.media.width, record.media.height]).toEqual([row.width, row.height]);
    expect(images.length).toBe(record.keyFrames.length);
    expect(record.keyFrames[0]!.frameIndex).toBe(0);
  });
});

describe('broken GIFs from ../shared/corpus/broken', () => {
  it.each(corpusFiles('broken').map((f) => [basename(f), f]))(
    '%s ends as a record or a typed error, in bounded time',
    async (_, path) => {
      const started = Date.now();
      const outcome = await extractKeyFrames(path, { limits: { timeoutMs: PER_FILE_BOUND_MS } }).then(
        ({ record }) => ({ ok: true as const, record }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      expect(Date.now() - started).toBeLessThan(PER_FILE_BOUND_MS + 5_000);
      if (outcome.ok) {
        expect(outcome.record.media.frameCount).toBeGreaterThan(0);
      } else {
        expect(isFramesiftError(outcome.error), String(outcome.error)).toBe(true);
        if (isFramesiftError(outcome.error)) {
          expect(CODES.has(outcome.error.code)).toBe(true);
          expect(outcome.error.message).toMatch(/^Expected /);
        }
      }
    },
  );

  it('classifies the files whose fault is known', async () => {
    const codeOf = async (name: string) =>
      extractKeyFrames(corpusFiles('broken').find((f) => f.endsWith(name))!).then(
        () => 'ok',
        (error: { code?: string }) => error.code,
      );
    expect(await codeOf('libgd__libgd__empty.gif')).toBe('EMPTY_INPUT');
    expect(await codeOf('libgd__libgd__bad_magic.gif')).toBe('UNSUPPORTED_FORMAT');
    expect(await codeOf('libgd__libgd__bug00005_2.gif')).toBe('LIMIT_EXCEEDED');
    expect(await codeOf('google__wuffs__no-frames.gif')).toBe('EMPTY_INPUT');
    expect(await codeOf('google__wuffs__pixel-data-none.gif')).toBe('CORRUPT_INPUT');
  });
});
