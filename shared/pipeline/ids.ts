/**
 * A gif id names objects (`frames/<gifId>/…`), so it must be safe as one path
 * segment everywhere: 1 to 128 characters from A–Z, a–z, 0–9, '.', '_' and
 * '-', starting with a letter or digit, and never containing "..".
 */
export const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function isSafeId(id: string): boolean {
  return SAFE_ID.test(id) && !id.includes('..');
}

/** Media file endings a manifest id may carry; an id without one names `<id>.gif`. */
export const MEDIA_EXTENSIONS = ['.gif', '.mp4', '.mov', '.webm', '.avi', '.m4v', '.mkv'];

export function hasMediaExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MEDIA_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * cyrb53: a fast 53-bit string hash. Fan-out remembers the ids of a manifest
 * as these numbers to find duplicates without holding the ids themselves; two
 * different ids collide with probability about n²/2⁵⁴ (3·10⁻⁵ at a million).
 */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The naming convention that tells a manifest from a stray file: `manifest.txt`,
 * `manifest-2024.csv`, `captions.manifest.jsonl`. Anything else that is not
 * media (`README.txt`, `.DS_Store`) is ignored rather than read as lines.
 */
const MANIFEST_NAME = /^(manifest[^/]*|[^/]+\.manifest)\.(txt|csv|jsonl|json)$/i;

export function isManifestName(name: string): boolean {
  return MANIFEST_NAME.test(name.slice(name.lastIndexOf('/') + 1));
}
