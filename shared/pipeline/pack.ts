/**
 * A file's outputs as one object: a tar whose members are its key frames
 * (`0.png`, `1.png`, …) and, last, its record (`record.json`). One write per
 * file instead of one per key frame, and still one frame at a time for a
 * reader: each PNG is a byte range of the object (`gcloud storage cat -r`),
 * and the whole pack opens with `tar -x`.
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import tar from 'tar-stream';

/** Where one member's bytes lie in the pack. */
export interface ByteRange {
  offset: number;
  length: number;
}

export const PACK_RECORD_MEMBER = 'record.json';

const BLOCK = 512;
const FIXED = { mtime: new Date(0), mode: 0o644, uid: 0, gid: 0, uname: '', gname: '' };

/** Where each PNG will sit in a pack of these PNGs: tar puts a 512-byte header before each member and pads it to 512. */
export function packRanges(pngs: readonly Uint8Array[]): ByteRange[] {
  let position = 0;
  return pngs.map((png) => {
    const range = { offset: position + BLOCK, length: png.length };
    position += BLOCK + Math.ceil(png.length / BLOCK) * BLOCK;
    return range;
  });
}

/** The pack of these PNGs and the record that names their ranges; the same inputs give the same bytes. */
export async function buildPack(pngs: readonly Uint8Array[], record: string): Promise<Buffer> {
  const pack = tar.pack();
  const members = [...pngs.map((png, ordinal) => ({ name: `${ordinal}.png`, data: Buffer.from(png.buffer, png.byteOffset, png.length) })), { name: PACK_RECORD_MEMBER, data: Buffer.from(record) }];
  const bytes = buffer(pack);
  for (const { name, data } of members) {
    await new Promise<void>((resolve, reject) => pack.entry({ ...FIXED, name, size: data.length }, data, (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  return bytes;
}

/** One key frame named as a URI: its pack and its bytes there, `gs://b/packs/…tar#bytes=512-29865` (first and last byte). */
export function frameUri(packUri: string, range: ByteRange): string {
  return `${packUri}#bytes=${range.offset}-${range.offset + range.length - 1}`;
}

export function parseFrameUri(uri: string): { packUri: string; range: ByteRange } {
  const match = /^(.+)#bytes=(\d+)-(\d+)$/.exec(uri);
  if (!match) throw new RangeError(`Expected <pack uri>#bytes=<first>-<last> but found ${uri}`);
  const [first, last] = [Number(match[2]), Number(match[3])];
  return { packUri: match[1]!, range: { offset: first, length: last - first + 1 } };
}

/** The record inside a pack: how a redelivered request recovers a record whose pack was written. */
export async function readPackRecord(pack: Buffer): Promise<string> {
  const extract = tar.extract();
  Readable.from([pack]).pipe(extract);
  let found: string | undefined;
  for await (const entry of extract) {
    const data = await buffer(entry);
    if (entry.header.name === PACK_RECORD_MEMBER) found = data.toString('utf8');
  }
  if (found === undefined) throw new Error(`Expected a ${PACK_RECORD_MEMBER} member in the pack but found none`);
  return found;
}
