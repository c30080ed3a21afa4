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
