import { describe, expect, it } from 'vitest';
import { Workspace } from '../../../shared/kernels/index.ts';
import { fitInside, place } from '../../../shared/media/letterbox.ts';
import { axisTaps, Normaliser } from '../../../shared/media/resample.ts';

/** The resampler's definition as plain loops: per row of taps, first + (between + last), then the rows from zero, + 0.5. */
function reference(src: Uint8Array, width: number, height: number, channels: number, size: number): Uint8Array {
  const at = fitInside(width, height, size);
  const columns = axisTaps(width, at.width);
  const rows = axisTaps(height, at.height);
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < at.height; y++) {
    for (let x = 0; x < at.width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let k = 0; k < rows.count[y]!; k++) {
          const row = (rows.first[y]! + k) * width;
          const n = columns.count[x]!;
          const taps = x * columns.stride;
          const pixel = (i: number) => src[(row + columns.first[x]! + i) * channels + c]!;
          let h = columns.weights[taps]! * pixel(0);
          if (n > 1) {
            let between = 0;
            for (let i = 1; i < n - 1; i++) between += pixel(i);
            h += (n > 2 ? columns.weights[taps + 1]! : 0) * between + columns.weights[taps + n - 1]! * pixel(n - 1);
          }
          sum += rows.weights[y * rows.stride + k]! * h;
        }
        out[((at.top + y) * size + at.left + x) * 3 + c] = sum + 0.5;
      }
    }
  }
  return out;
}

function noise(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0, s = seed; i < length; i++) out[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return out;
}

describe('Normaliser', () => {
  const cases: Array<[number, number, number]> = [
    [4, 4, 128], [1, 1, 64], [128, 128, 128], [256, 256, 128], [512, 300, 256], [80, 60, 256], [440, 625, 128], [601, 337, 256], [3000, 17, 128], [9, 1200, 64], [300, 200, 200],
  ];
  for (const channels of [3, 4]) {
    for (const [width, height, size] of cases) {
      it(`gives the definition's pixels exactly: ${width}×${height} ${channels === 4 ? 'RGBA' : 'RGB'} into ${size}×${size}`, () => {
        const src = noise(width * height * channels, width * 31 + height);
        const normaliser = new Normaliser(width, height, fitInside(width, height, size), size, { channels });
        expect(Buffer.compare(normaliser.normalise(src, 0), reference(src, width, height, channels, size))).toBe(0);
      });
    }
  }

  it('cuts a canvas larger than its band into bands of rows, with the same pixels', () => {
    const [width, height, size] = [2100, 1300, 96];
    const src = noise(width * height * 4, 5);
    const normaliser = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4 });
    expect(Buffer.compare(normaliser.normalise(src, 0), reference(src, width, height, 4, size))).toBe(0);
  });

  it('updates only what a changed rectangle reaches, to the same pixels as a full pass', () => {
    for (const [width, height, size] of [[300, 200, 128], [50, 70, 256], [1000, 90, 128]] as const) {
      const normaliser = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4 });
      const src = noise(width * height * 4, 9);
      let previous = normaliser.normalise(src, 0);
      for (const [left, top, w, h] of [[3, 5, 40, 20], [width - 7, height - 3, 7, 3], [0, 0, width, 1], [10, 10, 0, 5]] as const) {
        const patch = noise(w * h * 4, left + top);
        for (let y = 0; y < h; y++) src.set(patch.subarray(y * w * 4, (y + 1) * w * 4), ((top + y) * width + left) * 4);
        const updated = normaliser.update(src, previous, { left, top, width: w, height: h });
        expect(Buffer.compare(updated, reference(src, width, height, 4, size))).toBe(0);
        previous = updated;
      }
    }
  });

  it('halves 2:1 exactly, as the mean of each 2×2 block rounded, for whole and partly changed squares', () => {
    for (const channels of [3, 4]) {
      const normaliser = new Normaliser(256, 256, place(128, 128, 128), 128, { channels });
      const src = noise(256 * 256 * channels, channels);
      const mean = (x: number, y: number, c: number) => {
        const at = (xx: number, yy: number) => src[(yy * 256 + xx) * channels + c]!;
        return (at(2 * x, 2 * y) + at(2 * x + 1, 2 * y) + at(2 * x, 2 * y + 1) + at(2 * x + 1, 2 * y + 1) + 2) >> 2;
      };
      const blockMeans = () => Uint8Array.from({ length: 128 * 128 * 3 }, (_, i) => mean(Math.floor(i / 3) % 128, Math.floor(i / 384), i % 3));
      let previous = normaliser.normalise(src, 0);
      expect(Buffer.compare(previous, blockMeans())).toBe(0);
      // Rectangles whose outputs start, end or fit within a vector's four, and one whole row.
      for (const [left, top, w, h] of [[3, 5, 9, 4], [250, 251, 6, 5], [0, 0, 256, 1], [17, 100, 2, 2], [100, 30, 23, 11]] as const) {
        const patch = noise(w * h * channels, left * 7 + top);
        for (let y = 0; y < h; y++) src.set(patch.subarray(y * w * channels, (y + 1) * w * channels), ((top + y) * 256 + left) * channels);
        previous = normaliser.update(src, previous, { left, top, width: w, height: h });
        expect(Buffer.compare(previous, blockMeans())).toBe(0);
      }
    }
  });

  describe('with fixed-point weights', () => {
    for (const [width, height, size] of [[4, 4, 256], [80, 60, 256], [440, 625, 256], [1080, 1080, 128], [601, 337, 200], [3000, 17, 256], [2100, 1300, 96]] as const) {
      it(`stays within one level of the definition: ${width}×${height} RGBA into ${size}×${size}`, () => {
        const src = noise(width * height * 4, width + height);
        const normaliser = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4, fixedPoint: true });
        const fixed = normaliser.normalise(src, 0);
        const exact = reference(src, width, height, 4, size);
        let worst = 0;
        for (let i = 0; i < exact.length; i++) worst = Math.max(worst, Math.abs(fixed[i]! - exact[i]!));
        expect(worst).toBeLessThanOrEqual(1);
      });
    }

    it('keeps a plain colour and the black bars exact', () => {
      const [width, height, size] = [333, 120, 256];
      const src = new Uint8Array(width * height * 4);
      for (let i = 0; i < src.length; i += 4) src.set([255, 17, 200, 0], i);
      const fixed = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4, fixedPoint: true }).normalise(src, 0);
      expect(Buffer.compare(fixed, reference(src, width, height, 4, size))).toBe(0);
    });

    it('updates a changed rectangle to what a full pass gives', () => {
      const [width, height, size] = [300, 200, 256];
      const normaliser = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4, fixedPoint: true });
      const src = noise(width * height * 4, 4);
      const before = normaliser.normalise(src, 0);
      for (let y = 50; y < 90; y++) src.set(noise(60 * 4, y), (y * width + 120) * 4);
      const updated = normaliser.update(src, before, { left: 120, top: 50, width: 60, height: 40 });
      expect(Buffer.compare(updated, normaliser.normalise(src, 0))).toBe(0);
    });
  });

  describe('in a workspace, where the source and the canvas stay', () => {
    const regions = (workspace: Workspace, src: Uint8Array, squareBytes: number) => {
      const source = workspace.keep(src.length);
      workspace.bytes().set(src, source);
      return { source, out: workspace.keep(squareBytes) };
    };
    const read = (workspace: Workspace, at: number, bytes: number) => workspace.bytes().slice(at, at + bytes);

    for (const fixedPoint of [false, true]) {
      it(`renders and updates in place what normalise and update give${fixedPoint ? ', fixed point' : ''}`, () => {
        const [width, height, size] = [300, 200, 256];
        const normaliser = new Normaliser(width, height, fitInside(width, height, size), size, { channels: 4, fixedPoint });
        const src = noise(width * height * 4, 11);
        const workspace = new Workspace();
        const { source, out } = regions(workspace, src, size * size * 3);
        normaliser.renderIn(workspace, source, out);
        let expected = normaliser.normalise(src, 0);
        expect(Buffer.compare(read(workspace, out, expected.length), expected)).toBe(0);
        for (const [left, top, w, h] of [[120, 50, 60, 40], [0, 199, 300, 1], [299, 0, 1, 200]] as const) {
          for (let y = top; y < top + h; y++) src.set(noise(w * 4, y + left), (y * width + left) * 4);
          workspace.bytes().set(src, source);
          const changed = { left, top, width: w, height: h };
          normaliser.renderIn(workspace, source, out, changed);
          expected = normaliser.update(src, expected, changed);
          expect(Buffer.compare(read(workspace, out, expected.length), expected)).toBe(0);
        }
      });
    }

    it('halves an S×S canvas to the analysis image, as normalise does, in two workspaces at once', () => {
      const halve = new Normaliser(256, 256, place(128, 128, 128), 128);
      const [a, b] = [new Workspace(), new Workspace()];
      const [srcA, srcB] = [noise(256 * 256 * 3, 1), noise(256 * 256 * 3, 2)];
      const [inA, inB] = [regions(a, srcA, 128 * 128 * 3), regions(b, srcB, 128 * 128 * 3)];
      halve.renderIn(a, inA.source, inA.out);
      halve.renderIn(b, inB.source, inB.out);
      halve.renderIn(a, inA.source, inA.out, { left: 0, top: 0, width: 256, height: 256 });
      expect(Buffer.compare(read(a, inA.out, 128 * 128 * 3), halve.normalise(srcA, 0))).toBe(0);
      expect(Buffer.compare(read(b, inB.out, 128 * 128 * 3), halve.normalise(srcB, 0))).toBe(0);
    });
  });
});
