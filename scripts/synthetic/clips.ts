/**
 * Seeded synthetic clips with known structure: hard cuts, static stretches,
 * noise, fades, dissolves, flashes, fast motion, brightness ramps over flat and
 * textured fields, cuts to and from black, dark scenes, plain colour fields and
 * shots of 3 and 4 frames. Each comes with its ground truth, so selectors and
 * cut detection can be scored exactly.
 */
import { seededRandom } from '../../shared/random.ts';
import type { RgbaFrame } from './gif.ts';

export const CLIP_WIDTH = 96;
export const CLIP_HEIGHT = 72;
export const CLIP_DELAY_MS = 100;

export interface ClipTruth {
  /** First frame index of every shot after the first: where a hard cut lands. */
  cuts: number[];
  /** Gradual transitions [first, last]: one detection inside is fine, a burst is not. */
  gradual: Array<[number, number]>;
  /** Frames where a detection is neither right nor wrong. */
  dontCare?: Array<[number, number]>;
}

export interface Clip extends ClipTruth {
  name: string;
  width: number;
  height: number;
  frames: RgbaFrame[];
}

type Rgb = [number, number, number];

/** A scene: a gradient, a few fixed blocks, and a square that moves with time. */
export interface Scene {
  render(t: number, out: Uint8Array): void;
}

export function makeScene(seed: number, options: { speed?: number; pan?: number; width?: number; height?: number } = {}): Scene {
  const random = seededRandom(seed);
  const width = options.width ?? CLIP_WIDTH;
  const height = options.height ?? CLIP_HEIGHT;
  const colour = (): Rgb => [Math.floor(random() * 256), Math.floor(random() * 256), Math.floor(random() * 256)];
  const top = colour();
  const bottom = colour();
  const blocks = Array.from({ length: 4 }, () => ({
    x: Math.floor(random() * width * 0.8),
    y: Math.floor(random() * height * 0.8),
    w: 8 + Math.floor(random() * width * 0.3),
    h: 8 + Math.floor(random() * height * 0.3),
    c: colour(),
  }));
  const mover = colour();
  const speed = options.speed ?? 1.5;
  const pan = options.pan ?? 0;
  const side = Math.floor(height / 4);
  return {
    render(t, out) {
      const shift = Math.floor(t * pan);
      const mx = Math.floor((t * speed) % (width - side));
      const bob = speed === 0 ? 0 : Math.sin(t / 3) * height * 0.2;
      const my = Math.floor(height / 2 - side / 2 + bob);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const sx = (((x + shift) % width) + width) % width;
          let c: Rgb = [0, 0, 0];
          const f = y / (height - 1);
          for (let k = 0; k < 3; k++) c[k] = top[k]! * (1 - f) + bottom[k]! * f;
          for (const b of blocks) if (sx >= b.x && sx < b.x + b.w && y >= b.y && y < b.y + b.h) c = b.c;
          if (x >= mx && x < mx + side && y >= my && y < my + side) c = mover;
          const p = (y * width + x) * 4;
          out[p] = c[0];
          out[p + 1] = c[1];
          out[p + 2] = c[2];
          out[p + 3] = 255;
        }
      }
    },
  };
}

/** A plain field whose colour may change with time: flat fields, black, ramps. */
export function plainScene(colour: (t: number) => Rgb): Scene {
  return {
    render(t, out) {
      const c = colour(t).map((v) => Math.round(Math.max(0, Math.min(255, v))));
      for (let p = 0; p < out.length; p += 4) out.set([c[0]!, c[1]!, c[2]!, 255], p);
    },
  };
}

export const BLACK = plainScene(() => [0, 0, 0]);

/** A scene whose brightness is scaled by `gain(t)`: a fade that never reaches black, or a dark scene. */
export function dimmedScene(scene: Scene, gain: (t: number) => number): Scene {
  return {
    render(t, out) {
      scene.render(t, out);
      const g = gain(t);
      for (let i = 0; i < out.length; i++) if (i % 4 !== 3) out[i] = Math.round(out[i]! * g);
    },
  };
}

/** A scene seen through a camera zooming into its centre, `rate` times the magnification per frame. */
export function zoomingScene(scene: Scene, rate: number, width = CLIP_WIDTH, height = CLIP_HEIGHT): Scene {
  const base = new Uint8Array(width * height * 4);
  return {
    render(t, out) {
      scene.render(0, base);
      const zoom = 1 + rate * t;
      for (let y = 0; y < height; y++) {
        const sy = Math.floor(height / 2 + (y - height / 2) / zoom);
        for (let x = 0; x < width; x++) {
          const sx = Math.floor(width / 2 + (x - width / 2) / zoom);
          out.set(base.subarray((sy * width + sx) * 4, (sy * width + sx) * 4 + 4), (y * width + x) * 4);
        }
      }
    },
  };
}

class ClipBuilder {
  readonly frames: RgbaFrame[] = [];
  readonly cuts: number[] = [];
  readonly gradual: Array<[number, number]> = [];
  readonly #width: number;
  readonly #height: number;
  readonly #noise: (() => number) | undefined;

  constructor(width: number, height: number, noiseSeed?: number) {
    this.#width = width;
    this.#height = height;
    this.#noise = noiseSeed === undefined ? undefined : seededRandom(noiseSeed);
  }

  #blank(): Uint8Array {
    return new Uint8Array(this.#width * this.#height * 4);
  }

  #add(rgba: Uint8Array): void {
    if (this.#noise) {
      for (let i = 0; i < rgba.length; i++) {
        if (i % 4 !== 3) rgba[i] = Math.max(0, Math.min(255, rgba[i]! + Math.round((this.#noise() - 0.5) * 60)));
      }
    }
    this.frames.push({ rgba, delayMs: CLIP_DELAY_MS });
  }

  /** A shot; `cut` marks its first frame as a hard cut from what came before. */
  shot(scene: Scene, length: number, { cut = this.frames.length > 0, from = 0 } = {}): this {
    if (cut) this.cuts.push(this.frames.length);
    for (let t = 0; t < length; t++) {
      const rgba = this.#blank();
      scene.render(from + t, rgba);
      this.#add(rgba);
    }
    return this;
  }

  /** A linear blend from `a` (at its time `fromA`) to `b`; `b` undefined fades to black. */
  blend(a: Scene | undefined, b: Scene | undefined, length: number, fromA = 0): this {
    const first = this.frames.length;
    for (let k = 1; k <= length; k++) {
      const w = k / (length + 1);
      const ra = this.#blank();
      const rb = this.#blank();
      a?.render(fromA + k, ra);
      b?.render(k, rb);
      const out = this.#blank();
      for (let i = 0; i < out.length; i++) out[i] = i % 4 === 3 ? 255 : Math.round(ra[i]! * (1 - w) + rb[i]! * w);
      this.#add(out);
    }
    this.gradual.push([first, this.frames.length - 1]);
    return this;
  }

  /** Fade `a` out to black and `b` in from it, `length` frames each: one transition, a dip. */
  dip(a: Scene, b: Scene, length: number, fromA = 0): this {
    const first = this.frames.length;
    this.blend(a, undefined, length, fromA).blend(undefined, b, length);
    this.gradual.splice(-2, 2, [first, this.frames.length - 1]);
    return this;
  }

  flash(colour: Rgb = [255, 255, 255]): this {
    const rgba = this.#blank();
    for (let i = 0; i < rgba.length; i += 4) rgba.set([...colour, 255], i);
    this.#add(rgba);
    return this;
  }

  build(name: string): Clip {
    return { name, width: this.#width, height: this.#height, frames: this.frames, cuts: this.cuts, gradual: this.gradual };
  }
}

/** The scored set: every kind of content the scene selector must get right. */
export function syntheticClips(seed = 1): Clip[] {
  const scene = (k: number, options?: Parameters<typeof makeScene>[1]) => makeScene(seed * 1000 + k, options);
  return [...motionClips(seed), ...brightnessClips(seed, scene)];
}

/** Cuts, still and noisy shots, fades, dissolves, flashes and fast motion: also the samples' GIFs. */
export function motionClips(seed = 1): Clip[] {
  const scene = (k: number, options?: Parameters<typeof makeScene>[1]) => makeScene(seed * 1000 + k, options);
  const clip = (noiseSeed?: number) => new ClipBuilder(CLIP_WIDTH, CLIP_HEIGHT, noiseSeed);
  const [a, b, c, d] = [scene(1), scene(2), scene(3), scene(4)];
  return [
    clip().shot(a, 12).shot(b, 12).shot(c, 12).shot(d, 12).build('hard-cuts'),
    clip().shot(makeScene(seed * 1000 + 5, { speed: 0 }), 24).build('static'),
    clip()
      .shot(scene(11, { speed: 0 }), 12)
      .shot(scene(12, { speed: 0 }), 12)
      .shot(scene(13, { speed: 0 }), 12)
      .shot(scene(14, { speed: 0 }), 12)
      .build('still-cuts'),
    clip(seed).shot(a, 14).shot(b, 14).shot(c, 14).build('noise-cuts'),
    clip(seed + 1).shot(makeScene(seed * 1000 + 6, { speed: 0 }), 30).build('noise-static'),
    clip().shot(a, 12).blend(a, undefined, 8, 12).blend(undefined, b, 8).shot(b, 12, { cut: false, from: 9 }).build('fade'),
    clip().shot(c, 12).blend(c, d, 10, 12).shot(d, 12, { cut: false, from: 11 }).build('dissolve'),
    clip().shot(a, 10).flash().shot(a, 10, { cut: false, from: 11 }).shot(b, 8).flash([20, 20, 20]).shot(b, 8, { cut: false, from: 9 }).build('flash'),
    clip()
      .shot(scene(7, { speed: 9, pan: 5 }), 16)
      .shot(scene(8, { speed: 11, pan: -6 }), 16)
      .shot(scene(9, { speed: 7, pan: 7 }), 16)
      .build('fast-motion'),
    clip().shot(a, 10).shot(b, 6).flash().shot(b, 6, { cut: false, from: 7 }).blend(b, c, 8, 13).shot(c, 10, { cut: false, from: 9 }).shot(d, 10).build('mixed'),
  ];
}

/** Brightness, black, dark scenes, plain fields, short shots and motion within a shot: what real footage does. */
function brightnessClips(seed: number, scene: (k: number, options?: Parameters<typeof makeScene>[1]) => Scene): Clip[] {
  const clip = () => new ClipBuilder(CLIP_WIDTH, CLIP_HEIGHT);
  const [a, b, c, d] = [scene(21), scene(22), scene(23), scene(24)];
  const grey = 96 + ((seed * 37) % 96);
  const triangle = (t: number, period: number) => Math.abs(((t / period) % 2) - 1);
  // A grey field fading to black over 20 frames, held, and back; then the same as a smooth sine.
  const flatRamp = plainScene((t) => {
    const level = t < 40 ? grey * triangle(t + 20, 20) : grey * (0.5 - 0.5 * Math.cos((t - 40) / 4));
    return [level, level, level];
  });
  const tinted = plainScene((t) => [grey * (1 - t / 60), grey * 0.8, grey * (0.4 + t / 100)]);
  const dark = (s: Scene) => dimmedScene(s, () => 0.25);
  const plain = (rgb: Rgb) => plainScene(() => rgb);
  return [
    clip().shot(flatRamp, 60).build('flat-ramp'),
    clip().shot(tinted, 40).build('flat-tint-ramp'),
    // Down to a third of the brightness and back, twice: darker, but still clearly a picture.
    clip().shot(dimmedScene(a, (t) => 0.35 + 0.65 * triangle(t, 15)), 45).build('textured-ramp'),
    clip().shot(a, 12).shot(BLACK, 10).blend(undefined, b, 8).shot(b, 12, { cut: false, from: 9 }).build('cut-to-black'),
    clip().shot(BLACK, 8).shot(a, 12).blend(a, undefined, 8, 12).shot(BLACK, 8, { cut: false }).shot(b, 12).build('cut-from-black'),
    clip().shot(c, 12).dip(c, d, 6, 12).shot(d, 12, { cut: false, from: 7 }).build('fade-through-black'),
    clip().shot(dark(a), 12).shot(dark(b), 12).shot(dark(c), 12).shot(BLACK, 6).shot(dark(d), 12).build('dark-cuts'),
    clip()
      .shot(plain([200, 30, 30]), 8)
      .shot(plain([30, 30, 200]), 8)
      .shot(plain([64, 64, 64]), 8)
      .shot(plain([150, 150, 150]), 8)
      .shot(plain([30, 160, 60]), 8)
      .build('plain-cuts'),
    clip().shot(a, 10).shot(b, 3).shot(c, 4).shot(d, 3).shot(a, 10, { from: 10 }).build('short-shots'),
    clip()
      .shot(a, 10)
      .shot(b, 2, { cut: false })
      .shot(a, 10, { cut: false, from: 12 })
      .flash()
      .flash()
      .shot(a, 10, { cut: false, from: 24 })
      .build('two-frame-flash'),
    clip().shot(zoomingScene(c, 0.08), 20).shot(zoomingScene(d, 0.1), 20).build('fast-zoom'),
    clip()
      .shot(scene(25, { speed: 14, pan: 12 }), 20)
      .shot(scene(26, { speed: 12, pan: -14 }), 20)
      .build('fast-pan'),
  ];
}

/** A long clip for memory tests: `frames` frames of slow motion with a cut every `shotLength`. */
export function* longClipFrames(frames: number, width: number, height: number, shotLength = 50): Generator<RgbaFrame> {
  for (let i = 0; i < frames; i++) {
    const scene = makeScene(Math.floor(i / shotLength) + 17, { width, height });
    const rgba = new Uint8Array(width * height * 4);
    scene.render(i % shotLength, rgba);
    yield { rgba, delayMs: 40 };
  }
}
