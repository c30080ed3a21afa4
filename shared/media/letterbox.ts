/**
 * Geometry of "keep the aspect ratio, fill one side of S×S, pad the rest in
 * black": top = floor(dh / 2), bottom = dh − top, and the same for left/right.
 */
export interface Placement {
  width: number;
  height: number;
  left: number;
  top: number;
}

export function fitInside(width: number, height: number, size: number): Placement {
  const scale = Math.min(size / width, size / height);
  const w = Math.max(1, Math.min(size, Math.round(width * scale)));
  const h = Math.max(1, Math.min(size, Math.round(height * scale)));
  return place(w, h, size);
}

export function place(width: number, height: number, size: number): Placement {
  return { width, height, left: Math.floor((size - width) / 2), top: Math.floor((size - height) / 2) };
}

/** Copy a w×h RGB image into the middle of a black S×S RGB canvas. */
export function letterbox(src: Uint8Array, srcOffset: number, at: Placement, size: number): Uint8Array {
  const out = new Uint8Array(size * size * 3);
  const rowBytes = at.width * 3;
  for (let y = 0; y < at.height; y++) {
    const from = srcOffset + y * rowBytes;
    out.set(src.subarray(from, from + rowBytes), ((at.top + y) * size + at.left) * 3);
  }
  return out;
}
