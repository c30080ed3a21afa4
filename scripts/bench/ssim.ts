/** ssim.js against framesift's typed-array SSIM on the same 256×256 pairs. */
import { ssim as ssimJs } from 'ssim.js';
import { ssimGray } from '../../shared/analysis/ssim.ts';
import { seededRandom } from '../../shared/random.ts';

export function benchSsim(pairs = 40, size = 256) {
  const random = seededRandom(3);
  const gray = () => Uint8Array.from({ length: size * size }, (_, i) => ((i % size) + Math.floor(random() * 40)) & 255);
  const rgba = (g: Uint8Array) => {
    const data = new Uint8ClampedArray(g.length * 4);
    g.forEach((v, i) => data.set([v, v, v, 255], i * 4));
    return { data, width: size, height: size };
  };
  const images = Array.from({ length: pairs + 1 }, gray);
  const asRgba = images.map(rgba);
  const time = (fn: (i: number) => number) => {
    const started = performance.now();
    const values = Array.from({ length: pairs }, (_, i) => fn(i));
    return { msPerPair: (performance.now() - started) / pairs, values };
  };
  const reference = time((i) => ssimJs(asRgba[i]!, asRgba[i + 1]!).mssim);
  const ours = time((i) => ssimGray(images[i]!, images[i + 1]!, size, size));
  const largestDifference = Math.max(...ours.values.map((v, i) => Math.abs(v - reference.values[i]!)));
  return { ssimJsMs: reference.msPerPair, framesiftMs: ours.msPerPair, largestDifference };
}
