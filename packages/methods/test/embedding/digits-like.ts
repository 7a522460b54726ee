/**
 * A seeded digits-like table: 1,797 rows of 8 x 8 images (64 features,
 * integers 0..16) in 10 classes, like scikit-learn's load_digits. Each class
 * has a stroke prototype; a row is its prototype shifted by up to one canvas pixel,
 * with a random stroke thickness, intensity and pixel noise.
 */
import { Generator } from '@relevance/core-wasm';

export interface DigitsLike {
  data: Float32Array;
  labels: number[];
  rows: number;
  cols: number;
}

export function digitsLike(rows = 1797, seed = 0): DigitsLike {
  const g = new Generator(seed);
  // prototypes: 3 random strokes per class (line segments between random points) on a 16 x 16 canvas
  const prototypes: Float64Array[] = [];
  for (let c = 0; c < 10; c++) {
    const canvas = new Float64Array(256);
    for (let s = 0; s < 3; s++) {
      const x0 = 2 + g.uniform() * 12, y0 = 2 + g.uniform() * 12, x1 = 2 + g.uniform() * 12, y1 = 2 + g.uniform() * 12;
      for (let t = 0; t <= 40; t++) {
        const x = Math.round(x0 + ((x1 - x0) * t) / 40);
        const y = Math.round(y0 + ((y1 - y0) * t) / 40);
        canvas[y * 16 + x] = 1;
      }
    }
    prototypes.push(canvas);
  }
  const data = new Float32Array(rows * 64);
  const labels: number[] = [];
  for (let r = 0; r < rows; r++) {
    const c = r % 10;
    labels.push(c);
    const dx = g.int(3) - 1;
    const dy = g.int(3) - 1;
    const gain = 0.7 + 0.6 * g.uniform();
    const p = prototypes[c]!;
    for (let by = 0; by < 8; by++) {
      for (let bx = 0; bx < 8; bx++) {
        // 2 x 2 blocks of the shifted 16 x 16 canvas, like the 4 x 4 blocks of the UCI digits
        let s = 0;
        for (let yy = 0; yy < 2; yy++) for (let xx = 0; xx < 2; xx++) {
          const y = by * 2 + yy - dy;
          const x = bx * 2 + xx - dx;
          if (y >= 0 && y < 16 && x >= 0 && x < 16) s += p[y * 16 + x]!;
        }
        const v = (s / 4) * 16 * gain + 3 * g.normal();
        data[r * 64 + by * 8 + bx] = Math.max(0, Math.min(16, Math.round(v)));
      }
    }
  }
  return { data, labels, rows, cols: 64 };
}
