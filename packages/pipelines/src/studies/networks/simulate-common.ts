/** Small pieces every network simulator shares: names, layout, an option error, a tolerant correlation. */

/** A bad simulator option: `option` is the option's name (as in SimulationOptions), `message` says what to give instead. */
export class SimulationOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulationOptionError';
  }
}

/** G01, G02, ... (zero-padded to the width of the largest number). */
export function geneNames(count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `G${String(i + 1).padStart(width, '0')}`);
}

/** cell_0001, cell_0002, ... */
export function sampleNames(count: number): string[] {
  const width = Math.max(4, String(count).length);
  return Array.from({ length: count }, (_, i) => `cell_${String(i + 1).padStart(width, '0')}`);
}

/** Columns (one Float64Array per gene) into one row-major samples x genes array. */
export function columnsToRows(columns: Float64Array[], samples: number): Float64Array {
  const p = columns.length;
  const out = new Float64Array(samples * p);
  columns.forEach((c, j) => {
    for (let s = 0; s < samples; s++) out[s * p + j] = c[s]!;
  });
  return out;
}

/** Mean and (population) standard deviation of a column. */
export function meanSd(x: ArrayLike<number>): { mean: number; sd: number } {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  return { mean: m, sd: Math.sqrt(v / x.length) };
}

/** Pearson correlation; 0 when a column is constant. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = meanSd(a);
  const mb = meanSd(b);
  if (ma.sd === 0 || mb.sd === 0) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - ma.mean) * (b[i]! - mb.mean);
  return s / (a.length * ma.sd * mb.sd);
}
