/**
 * Seeded mutations of GIF bytes: bit flips, truncations, duplicated and
 * deleted blocks, and changed length fields (the logical screen size, frame
 * sizes and sub-block lengths, where decoders trust the file most).
 */
import { seededRandom } from '../../shared/random.ts';

export type Mutation = 'bit-flips' | 'truncate' | 'duplicate-block' | 'delete-block' | 'length-field';
export const MUTATIONS: readonly Mutation[] = ['bit-flips', 'truncate', 'duplicate-block', 'delete-block', 'length-field'];

export function mutate(input: Uint8Array, seed: number): { bytes: Uint8Array; mutation: Mutation } {
  const random = seededRandom(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const mutation = MUTATIONS[pick(MUTATIONS.length)]!;
  const bytes = Uint8Array.from(input);
  switch (mutation) {
    case 'bit-flips': {
      for (let i = 0, n = 1 + pick(16); i < n; i++) bytes[pick(bytes.length)]! ^= 1 << pick(8);
      return { bytes, mutation };
    }
    case 'truncate':
      return { bytes: bytes.subarray(0, pick(bytes.length)), mutation };
    case 'duplicate-block': {
      const start = pick(bytes.length);
      const block = bytes.subarray(start, start + 1 + pick(512));
      const at = pick(bytes.length);
      return { bytes: concat(bytes.subarray(0, at), block, bytes.subarray(at)), mutation };
    }
    case 'delete-block': {
      const start = pick(bytes.length);
      return { bytes: concat(bytes.subarray(0, start), bytes.subarray(start + 1 + pick(512))), mutation };
    }
    case 'length-field': {
      // Screen width/height (bytes 6–9), then any image descriptor's size or a sub-block length byte.
      const offsets = [6, 7, 8, 9];
      for (let i = 10; i < bytes.length - 9; i++) if (bytes[i] === 0x2c) offsets.push(i + 5, i + 6, i + 7, i + 8);
      for (let i = 0, n = 1 + pick(4); i < n; i++) {
        const at = offsets[pick(offsets.length)]!;
        if (at < bytes.length) bytes[at] = [0x00, 0xff, 0x01, 0x7f, pick(256)][pick(5)]!;
      }
      return { bytes, mutation };
    }
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
