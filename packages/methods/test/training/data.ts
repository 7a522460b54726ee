/** Seeded synthetic data sets for the training tests. */
import { Generator } from '@relevance/core-wasm';

export interface Regression {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** y = sin(x1) * x2 + 0.5 * x3^2 + noise, x ~ U(-2, 2)^3, noise ~ N(0, noiseStd^2). */
export function sineRegression(rows: number, seed: number, noiseStd = 0.1): Regression {
  const g = new Generator(seed);
  const x = new Float32Array(rows * 3);
  const y = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const x1 = 4 * g.uniform() - 2, x2 = 4 * g.uniform() - 2, x3 = 4 * g.uniform() - 2;
    x.set([x1, x2, x3], r * 3);
    y[r] = Math.sin(x1) * x2 + 0.5 * x3 * x3 + noiseStd * g.normal();
  }
  return { x, y, rows };
}

export interface Images {
  x: Float32Array;
  labels: Int32Array;
  rows: number;
}

/**
 * size x size images with one bar of length `bar` at a random place: label 0 a
 * horizontal bar, 1 a vertical one; plus N(0, noiseStd^2) pixel noise.
 */
export function barImages(rows: number, seed: number, size = 12, bar = 5, noiseStd = 0.3): Images {
  const g = new Generator(seed);
  const x = new Float32Array(rows * size * size);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const vertical = g.int(2);
    labels[r] = vertical;
    const base = r * size * size;
    for (let i = 0; i < size * size; i++) x[base + i] = noiseStd * g.normal();
    const along = g.int(size - bar + 1);
    const across = g.int(size);
    for (let k = 0; k < bar; k++) {
      const [row, col] = vertical ? [along + k, across] : [across, along + k];
      x[base + row * size + col]! += 1;
    }
  }
  return { x, labels, rows };
}
