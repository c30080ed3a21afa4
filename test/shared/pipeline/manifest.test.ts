import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAFE_ID, isSafeId } from '../../../shared/pipeline/ids.ts';
import { parseManifest, type ManifestItem } from '../../../shared/pipeline/manifest.ts';

const context = { manifest: { bucket: 'ingest', name: 'batch/manifest.txt' }, allowedBuckets: new Set(['shared-media']) };

async function parse(text: string | Buffer, chunkSize = 7): Promise<ManifestItem[]> {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) => bytes.subarray(i * chunkSize, (i + 1) * chunkSize));
  const items: ManifestItem[] = [];
  for await (const item of parseManifest(Readable.from(chunks), context)) items.push(item);
  return items;
}

const summary = (items: ManifestItem[]) => items.map((i) => (i.kind === 'entry' ? `${i.line}:${i.gifId}` : `${i.line}:${i.code}`));

describe('manifest formats', () => {
  it('reads `gif_id: description` lines, splitting on the first ": "', async () => {
    const items = await parse('tumblr_abc123: a cat jumps: off a table\r\n\n# comment\nbare_id\n');
    expect(items).toEqual([
      { kind: 'entry', line: 1, gifId: 'tumblr_abc123', description: 'a cat jumps: off a table', source: { bucket: 'ingest', name: 'batch/tumblr_abc123.gif' } },
      { kind: 'entry', line: 4, gifId: 'bare_id', description: null, source: { bucket: 'ingest', name: 'batch/bare_id.gif' } },
    ]);
  });

  it('reads CSV with a header, quoted fields and an optional uri column', async () => {
    const items = await parse('gif_id,description,uri\na,"hello, ""world""",\nb,"two\nlines",clips/b.mp4\nc,x,gs://shared-media/c.gif\n');
    expect(items.map((i) => i.kind === 'entry' && [i.gifId, i.description, i.source.bucket, i.source.name])).toEqual([
      ['a', 'hello, "world"', 'ingest', 'batch/a.gif'],
      ['b', 'two\nlines', 'ingest', 'batch/clips/b.mp4'],
      ['c', 'x', 'shared-media', 'c.gif'],
    ]);
  });

  it('reads JSON Lines', async () => {
    const items = await parse('{"gif_id":"a","description":"one"}\n{"gif_id":"b.mp4"}\n');
    expect(summary(items)).toEqual(['1:a', '2:b.mp4']);
    expect(items[1]!.kind === 'entry' && items[1]!.source.name).toBe('batch/b.mp4');
  });
});

describe('bad lines become rejections and the rest go on', () => {
  it.each([
    ['no id', ': a description', 'MISSING_ID'],
    ['a slash', 'a/b: x', 'INVALID_ID'],
    ['dot-dot', 'a..b: x', 'INVALID_ID'],
    ['unsafe characters', 'a b: x', 'INVALID_ID'],
    ['a duplicate', 'ok: x\nok: y', 'DUPLICATE_ID'],
  ])('%s', async (_, text, code) => {
    const items = await parse(`first: fine\n${text}\nlast: fine\n`);
    expect(items.some((i) => i.kind === 'rejected' && i.code === code)).toBe(true);
    expect(items.filter((i) => i.kind === 'entry').map((i) => (i as { gifId: string }).gifId)).toEqual(expect.arrayContaining(['first', 'last']));
  });

  it('rejects other buckets unless allow-listed, and traversal in uris', async () => {
    const items = await parse('gif_id,description,uri\na,x,gs://elsewhere/a.gif\nb,x,../../etc/passwd\nc,x,https://example.com/c.gif\nd,x,gs://shared-media/d.gif\n');
    expect(summary(items)).toEqual(['2:BUCKET_NOT_ALLOWED', '3:INVALID_URI', '4:INVALID_URI', '5:d']);
  });

  it('rejects malformed JSON and CSV records by line', async () => {
    expect(summary(await parse('{"gif_id":"a"}\n{oops\n{"gif_id":"c"}\n'))).toEqual(['1:a', '2:MALFORMED_LINE', '3:c']);
    const csv = await parse('gif_id,description\na,x\nb,"never closed\n');
    expect(summary(csv)).toEqual(['2:a', '3:MALFORMED_LINE']);
  });
});

describe('manifest properties (fast-check)', () => {
  const anyText = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.array(fc.oneof(fc.string(), fc.constantFrom(': ', '\n', '\r\n', ',', '"', '{', '}', '..', '/', 'gif_id,description\n', '\uFEFF')), { maxLength: 40 }).map((parts) => parts.join('')),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  );

  it('never throws on arbitrary text, and every accepted id is safe', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, fc.integer({ min: 1, max: 64 }), async (text, chunkSize) => {
        const items = await parse(text, chunkSize);
        for (const item of items) {
          if (item.kind !== 'entry') continue;
          expect(isSafeId(item.gifId)).toBe(true);
          expect(item.gifId).toMatch(SAFE_ID);
          expect(item.gifId.includes('..') || item.gifId.includes('/')).toBe(false);
          expect(item.source.name.split('/')).not.toContain('..');
          expect(['ingest', 'shared-media']).toContain(item.source.bucket);
        }
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it('accepts every safe id and keeps its description', async () => {
    const safeId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,30}$/);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(safeId, { maxLength: 20 }), async (ids) => {
        const items = await parse(ids.map((id) => `${id}: about ${id}`).join('\n'));
        expect(items).toEqual(ids.map((id, i) => expect.objectContaining({ kind: 'entry', line: i + 1, gifId: id, description: `about ${id}` })));
      }),
      { numRuns: 100, seed: 7 },
    );
  });
});
