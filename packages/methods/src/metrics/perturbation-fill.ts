/**
 * What a perturbed region is replaced with (Samek et al. 2017 compare
 * several): a constant, the per-element mean of a reference data set, uniform
 * noise (a fresh draw per perturbation draw), or a Gaussian blur of the row
 * itself (images and signals).
 */
import { Generator, type Tensor } from '@relevance/core-wasm';
import { MetricError, type HostRows } from './metric-inputs.js';

export type PerturbationKind = 'constant' | 'mean' | 'uniform' | 'blur';
export const PERTURBATION_KINDS: readonly PerturbationKind[] = ['constant', 'mean', 'uniform', 'blur'];

export interface PerturbationOptions {
  /** Default 'constant'. */
  perturbation?: PerturbationKind;
  /** 'constant': the value (default 0). */
  value?: number;
  /** 'mean': rows whose per-element mean replaces the region (default: the inputs themselves). */
  reference?: Tensor | Float32Array;
  /** 'uniform': the noise range (default: the inputs' smallest and largest value). */
  low?: number;
  high?: number;
  /** 'blur': Gaussian standard deviation in elements (default 2). */
  sigma?: number;
}

/** Gives, for (row, draw), the full replacement row. Random kinds draw in call order, so call it in a fixed order. */
export type ReplacementSource = (row: number, draw: number) => Float32Array;

export async function replacementSource(metric: string, inputs: HostRows, options: PerturbationOptions, generator: Generator): Promise<{ source: ReplacementSource; random: boolean }> {
  const kind = options.perturbation ?? 'constant';
  const { data, rows, rowSize, rowShape } = inputs;
  switch (kind) {
    case 'constant': {
      const row = new Float32Array(rowSize).fill(options.value ?? 0);
      return { source: () => row, random: false };
    }
    case 'mean': {
      let ref = data;
      if (options.reference !== undefined) ref = options.reference instanceof Float32Array ? options.reference : ((await options.reference.read()) as Float32Array);
      if (ref.length === 0 || ref.length % rowSize !== 0) throw new MetricError(`${metric}: reference has ${ref.length} values, not a whole number of rows of ${rowSize}`);
      const mean = new Float64Array(rowSize);
      const refRows = ref.length / rowSize;
      for (let r = 0; r < refRows; r++) for (let e = 0; e < rowSize; e++) mean[e]! += ref[r * rowSize + e]!;
      const row = Float32Array.from(mean, (v) => v / refRows);
      return { source: () => row, random: false };
    }
    case 'uniform': {
      let low = options.low;
      let high = options.high;
      if (low === undefined || high === undefined) {
        let mn = Infinity;
        let mx = -Infinity;
        for (const v of data) {
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        low ??= mn;
        high ??= mx;
      }
      if (!(high >= low)) throw new MetricError(`${metric}: uniform noise needs low <= high, got [${low}, ${high}]`);
      const lo = low;
      const span = high - low;
      let key = '';
      const row = new Float32Array(rowSize);
      const source = (r: number, d: number): Float32Array => {
        const k = `${r}:${d}`;
        if (k !== key) {
          key = k;
          for (let e = 0; e < rowSize; e++) row[e] = lo + span * generator.uniform();
        }
        return row;
      };
      return { source, random: true };
    }
    case 'blur': {
      if (rowShape.length < 2 || rowShape.length > 3) throw new MetricError(`${metric}: 'blur' needs spatial inputs ([C, H, W] images or [C, L] signals); for tabular rows use 'constant', 'mean' or 'uniform'`);
      const sigma = options.sigma ?? 2;
      if (!(sigma > 0)) throw new MetricError(`${metric}: sigma must be > 0, got ${sigma}`);
      const blurred = new Float32Array(data.length);
      for (let r = 0; r < rows; r++) blurRow(data.subarray(r * rowSize, (r + 1) * rowSize), blurred.subarray(r * rowSize, (r + 1) * rowSize), rowShape, sigma);
      return { source: (r) => blurred.subarray(r * rowSize, (r + 1) * rowSize), random: false };
    }
    default:
      throw new MetricError(`${metric}: unknown perturbation '${String(kind)}'; choose ${PERTURBATION_KINDS.join(', ')}`);
  }
}

/** Separable Gaussian blur per channel (truncated at 3 sigma, borders renormalised). */
function blurRow(src: Float32Array, dst: Float32Array, rowShape: readonly number[], sigma: number): void {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = Float64Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)));
  const is2d = rowShape.length === 3;
  const channels = rowShape[0]!;
  const h = is2d ? rowShape[1]! : 1;
  const w = rowShape[rowShape.length - 1]!;
  const tmp = new Float64Array(h * w);
  for (let c = 0; c < channels; c++) {
    const base = c * h * w;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0, ws = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = x + k;
          if (xx < 0 || xx >= w) continue;
          s += kernel[k + radius]! * src[base + y * w + xx]!;
          ws += kernel[k + radius]!;
        }
        tmp[y * w + x] = s / ws;
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!is2d) {
          dst[base + x] = tmp[x]!;
          continue;
        }
        let s = 0, ws = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = y + k;
          if (yy < 0 || yy >= h) continue;
          s += kernel[k + radius]! * tmp[yy * w + x]!;
          ws += kernel[k + radius]!;
        }
        dst[base + y * w + x] = s / ws;
      }
    }
  }
}
