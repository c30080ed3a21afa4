/**
 * A WebDataset shard: a plain tar whose members are grouped by sample,
 * `<key>.<k>.png` for each key frame, then `<key>.json` (the sample without
 * image bytes) and `<key>.txt` (the description, empty when there is none).
 * Every header is fixed (mtime 0, uid/gid 0, no user names, mode 0644), so the
 * same samples always give the same bytes.
 */
import tar from 'tar-stream';
import { sampleJson, type Sample } from './sample.ts';

const MEMBER = { mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0) } as const;

export class TarShard {
  readonly #pack = tar.pack();
  readonly #chunks: Buffer[] = [];
  readonly #ended: Promise<void>;

  constructor() {
    this.#pack.on('data', (chunk: unknown) => {
      this.#chunks.push(chunk as Buffer);
    });
    this.#ended = new Promise((resolve, reject) => {
      this.#pack.on('end', resolve);
      this.#pack.on('error', reject);
    });
  }

  async add(sample: Sample): Promise<void> {
    const key = sample.row.key;
    for (const frame of sample.frames) await this.#member(frame.path, frame.png);
    await this.#member(`${key}.json`, Buffer.from(JSON.stringify(sampleJson(sample)), 'utf8'));
    await this.#member(`${key}.txt`, Buffer.from(sample.row.description ?? '', 'utf8'));
  }

  async finish(): Promise<Buffer> {
    this.#pack.finalize();
    await this.#ended;
    return Buffer.concat(this.#chunks);
  }

  #member(name: string, data: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pack.entry({ ...MEMBER, name, size: data.length }, data, (error) => (error ? reject(error) : resolve()));
    });
  }
}
