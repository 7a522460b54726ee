/**
 * The fused all-targets path for Dense/ReLU chains whose Dense layers use the
 * epsilon or the (generalised) gamma rule, and gradient x input on the same
 * structure. Every rule here is, for a fixed forward pass,
 *
 *   R_in[i] = x_i * sum_j M[j, i] * R_out[j] / den_j
 *
 * with M the (rule-modified) weight and den the rule's stabilised
 * denominator, and only units with a non-zero input (after a ReLU: the active
 * ones) and a non-zero output relevance take part. So one row's targets go back
 * through a layer as one product against M restricted to the row's active
 * rows and columns, and all rows of a batch go in one `gatheredGemm` call:
 * the gather, the scaling by 1/den and by x, and the product happen in the
 * kernel; relevance stays on the device from the output layer to the input.
 *
 * Generalised gamma (Zennit's Gamma): for z_j > 0 the positive contributions
 * are amplified, M = W + gamma W+ for x_i > 0 and W + gamma W- for x_i < 0,
 * den = (W + gamma W+) x+ + (W + gamma W-) x- + (b + gamma b+); for z_j < 0 the
 * roles swap; z_j = 0 gets no relevance. Both modified weights sit in one
 * stacked matrix [W + gamma W+; W + gamma W-], and a row index picks one.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { readFloat } from '../common.js';

export type ChainRule =
  | { kind: 'epsilon'; epsilon: number }
  | { kind: 'gamma'; gamma: number; stabilizer: number }
  | { kind: 'gradient-x-input' };

export interface ChainDense {
  /** [out, in] */
  weight: Tensor;
  bias: Tensor | null;
  rule: ChainRule;
}

export interface FusedChainOptions {
  /**
   * Output relevance of each (row, target): given the row's outputs and its
   * targets. Default: the target's output value (LRP) or 1 (gradient x input).
   */
  outputRelevance?: (row: number, outputs: Float32Array, targets: Int32Array) => Float32Array;
  /** Rows per batch (memory: rows x targets x hidden floats per layer). */
  batchRows?: number;
  /** Receives each row's relevance [T, in] (row-major, yours to keep). */
  onRow: (row: number, relevance: Float32Array, targets: Int32Array) => void | Promise<void>;
}

interface PreparedLayer {
  out: number;
  in: number;
  rule: ChainRule;
  /** The matrix the kernel gathers from: W, or [W + gW+; W + gW-] for gamma. */
  matrix: Tensor;
  /** Gamma: bias + gamma b+ and bias + gamma b- (host). */
  biasPositive: Float32Array | null;
  biasNegative: Float32Array | null;
  /** Gamma: W + gW+ and W + gW- as tensors for the denominators. */
  positive: Tensor | null;
  negative: Tensor | null;
}

function stabilize(v: number, s: number): number {
  return v + s * (v >= 0 ? 1 : -1);
}

async function prepare(be: Backend, layers: readonly ChainDense[]): Promise<PreparedLayer[]> {
  const out: PreparedLayer[] = [];
  for (const l of layers) {
    const [o, i] = l.weight.shape as [number, number];
    if (l.rule.kind !== 'gamma') {
      out.push({ out: o, in: i, rule: l.rule, matrix: l.weight, biasPositive: null, biasNegative: null, positive: null, negative: null });
      continue;
    }
    const g = l.rule.gamma;
    const positive = be.scope(() => be.add(l.weight, be.scale(be.positive(l.weight), g)));
    const negative = be.scope(() => be.add(l.weight, be.scale(be.negative(l.weight), g)));
    const matrix = be.concat([positive, negative], 0);
    let biasPositive = new Float32Array(o);
    let biasNegative = new Float32Array(o);
    if (l.bias) {
      const b = await readFloat(l.bias);
      biasPositive = b.map((v) => v + g * Math.max(v, 0));
      biasNegative = b.map((v) => v + g * Math.min(v, 0));
    }
    out.push({ out: o, in: i, rule: l.rule, matrix, biasPositive, biasNegative, positive, negative });
  }
  return out;
}

function release(prepared: PreparedLayer[], layers: readonly ChainDense[]): void {
  prepared.forEach((p, k) => {
    if (p.matrix !== layers[k]!.weight) p.matrix.dispose();
    p.positive?.dispose();
    p.negative?.dispose();
  });
}

/** x W^T (+ bias) on the device. */
function affine(be: Backend, x: Tensor, w: Tensor, bias: Tensor | null): Tensor {
  const y = be.gemm(x, w, { transB: true });
  if (!bias) return y;
  const out = be.addBias(y, bias, 1);
  y.dispose();
  return out;
}

interface LayerState {
  /** Layer input [n, in] (host). */
  input: Float32Array;
  /** Pre-activation [n, out] (host). */
  z: Float32Array;
  /** Gamma: modified pre-activations for the z > 0 branch and the z < 0 branch (host), without bias. */
  zPositive: Float32Array | null;
  zNegative: Float32Array | null;
}

/** Forward pass of a batch, keeping what the rules need on the host. */
async function forward(be: Backend, layers: PreparedLayer[], weights: readonly ChainDense[], x: Tensor): Promise<LayerState[]> {
  const states: LayerState[] = [];
  let a = x;
  for (let k = 0; k < layers.length; k++) {
    const l = layers[k]!;
    const last = k === layers.length - 1;
    const state = await be.asyncScope(async () => {
      const z = affine(be, a, weights[k]!.weight, weights[k]!.bias);
      let zPositive: Float32Array | null = null;
      let zNegative: Float32Array | null = null;
      if (l.rule.kind === 'gamma') {
        const signed = k === 0; // after a ReLU inputs are never negative
        const xp = signed ? be.positive(a) : a;
        const xn = signed ? be.negative(a) : null;
        // z > 0 branch: (W + gW+) x+ + (W + gW-) x-
        let zp = be.gemm(xp, l.positive!, { transB: true });
        if (xn) zp = be.add(zp, be.gemm(xn, l.negative!, { transB: true }));
        zPositive = await readFloat(zp);
        // z < 0 branch only matters where no ReLU follows (the output layer)
        if (last) {
          let zn = be.gemm(xp, l.negative!, { transB: true });
          if (xn) zn = be.add(zn, be.gemm(xn, l.positive!, { transB: true }));
          zNegative = await readFloat(zn);
        }
      }
      const next = last ? null : be.relu(z);
      const result = { input: await readFloat(a), z: await readFloat(z), zPositive, zNegative, next };
      return result;
    });
    states.push({ input: state.input, z: state.z, zPositive: state.zPositive, zNegative: state.zNegative });
    if (a !== x) a.dispose();
    if (state.next) a = state.next;
  }
  if (a !== x) a.dispose();
  return states;
}

/**
 * All-targets relevance through a Dense/ReLU chain. `targets[r]` lists the
 * outputs explained for row r; `onRow` receives [T_r, in] per row.
 * Returns the model outputs [rows, out].
 */
export async function fusedChainRelevance(be: Backend, chain: readonly ChainDense[], x: Tensor, targets: readonly Int32Array[], options: FusedChainOptions): Promise<Float32Array> {
  const rows = x.shape[0]!;
  const inWidth = x.shape[1]!;
  const prepared = await prepare(be, chain);
  const outWidth = prepared[prepared.length - 1]!.out;
  const outputs = new Float32Array(rows * outWidth);
  const batch = Math.max(1, Math.floor(options.batchRows ?? 256));
  try {
    for (let r0 = 0; r0 < rows; r0 += batch) {
      const r1 = Math.min(rows, r0 + batch);
      const xs = r0 === 0 && r1 === rows ? x : be.slice(x, [r0, 0], [r1, inWidth]);
      try {
        await runBatch(be, prepared, chain, xs, r0, targets, outputs, options);
      } finally {
        if (xs !== x) xs.dispose();
      }
    }
  } finally {
    release(prepared, chain);
  }
  return outputs;
}

async function runBatch(be: Backend, layers: PreparedLayer[], chain: readonly ChainDense[], x: Tensor, r0: number, targets: readonly Int32Array[], outputs: Float32Array, options: FusedChainOptions): Promise<void> {
  const n = x.shape[0]!;
  const states = await forward(be, layers, chain, x);
  const L = layers.length;
  const last = layers[L - 1]!;
  outputs.set(states[L - 1]!.z, r0 * last.out);
  // ---- output relevance per (row, target), divided by the target's denominator
  const counts = Array.from({ length: n }, (_, b) => targets[r0 + b]!.length);
  let seeded = new Float32Array(counts.reduce((s, c) => s + c * c, 0)); // one diagonal [T, T] block per row
  let aOffsets: number[] = [];
  const diagRows: number[][] = [];
  {
    let at = 0;
    for (let b = 0; b < n; b++) {
      const list = targets[r0 + b]!;
      const T = list.length;
      const z = states[L - 1]!.z.subarray(b * last.out, (b + 1) * last.out);
      const scale = options.outputRelevance ? options.outputRelevance(r0 + b, z, list) : last.rule.kind === 'gradient-x-input' ? new Float32Array(T).fill(1) : Float32Array.from(list, (t) => z[t]!);
      const rowsUsed: number[] = [];
      for (let tau = 0; tau < T; tau++) {
        const t = list[tau]!;
        const zt = z[t]!;
        let factor: number;
        let row = t;
        if (last.rule.kind === 'epsilon') factor = 1 / stabilize(zt, last.rule.epsilon);
        else if (last.rule.kind === 'gradient-x-input') factor = 1;
        else if (zt > 0) factor = 1 / stabilize(states[L - 1]!.zPositive![b * last.out + t]! + last.biasPositive![t]!, last.rule.stabilizer);
        else if (zt < 0) {
          factor = 1 / stabilize(states[L - 1]!.zNegative![b * last.out + t]! + last.biasNegative![t]!, last.rule.stabilizer);
          row = last.out + t;
        } else factor = 0;
        seeded[at + tau * T + tau] = scale[tau]! * factor;
        rowsUsed.push(row);
      }
      aOffsets.push(at);
      diagRows.push(rowsUsed);
      at += T * T;
    }
  }
  let a = be.tensor(seeded);
  seeded = new Float32Array(0);
  // ---- backwards through the layers
  try {
    for (let k = L - 1; k >= 0; k--) {
      const l = layers[k]!;
      const state = states[k]!;
      // upper bounds: every row keeps at most all output units (twice for the gamma split) and all inputs
      const rowCap = n * Math.max(l.out, ...counts) * 2;
      const rowIdx = new Int32Array(rowCap);
      const rowScale = new Float32Array(rowCap);
      const colIdx = new Int32Array(n * l.in);
      const colScale = new Float32Array(n * l.in);
      let nRows = 0;
      let nCols = 0;
      const entries: Array<{ m: number; k: number; n: number; aOffset: number; rowsOffset: number; colsOffset: number }> = [];
      const colLists: Array<{ positive: Int32Array; negative: Int32Array }> = [];
      const gradientHidden = l.rule.kind === 'gradient-x-input' && k > 0;
      const split = l.rule.kind === 'gamma';
      for (let b = 0; b < n; b++) {
        const T = counts[b]!;
        const inBase = b * l.in;
        const outBase = b * l.out;
        // rows: the layer's output units that carry relevance, with 1/den
        const rowsStart = nRows;
        if (k === L - 1) {
          for (const r of diagRows[b]!) {
            rowIdx[nRows] = r;
            rowScale[nRows++] = 1;
          }
        } else {
          const z = state.z;
          for (let j = 0; j < l.out; j++) {
            const zj = z[outBase + j]!;
            if (!(zj > 0)) continue; // inactive after the ReLU: no relevance
            rowIdx[nRows] = j;
            if (l.rule.kind === 'epsilon') rowScale[nRows] = 1 / stabilize(zj, l.rule.epsilon);
            else if (l.rule.kind === 'gamma') rowScale[nRows] = 1 / stabilize(state.zPositive![outBase + j]! + l.biasPositive![j]!, l.rule.stabilizer);
            else rowScale[nRows] = 1;
            nRows++;
          }
        }
        const kRows = nRows - rowsStart;
        const aOffset = aOffsets[b]!;
        // columns: inputs that are non-zero, in order; gamma keeps negative inputs apart (they select the other half of the stacked matrix)
        const input = state.input;
        const colsStart = nCols;
        let negatives = 0;
        for (let i = 0; i < l.in; i++) {
          const v = input[inBase + i]!;
          if (v > 0 || (v < 0 && !split)) {
            colIdx[nCols] = i;
            colScale[nCols++] = gradientHidden ? 1 : v;
          } else if (v < 0) negatives++;
        }
        const positive = colIdx.slice(colsStart, nCols);
        entries.push({ m: T, k: kRows, n: nCols - colsStart, aOffset, rowsOffset: rowsStart, colsOffset: colsStart });
        if (negatives === 0) {
          colLists.push({ positive, negative: new Int32Array(0) });
          continue;
        }
        // gamma with negative inputs (first layer only): the same rows, each taken from the other half
        const swappedStart = nRows;
        for (let q = 0; q < kRows; q++) {
          const r = rowIdx[rowsStart + q]!;
          rowIdx[nRows] = r >= l.out ? r - l.out : r + l.out;
          rowScale[nRows++] = rowScale[rowsStart + q]!;
        }
        const negStart = nCols;
        for (let i = 0; i < l.in; i++) {
          const v = input[inBase + i]!;
          if (v < 0) {
            colIdx[nCols] = i;
            colScale[nCols++] = v;
          }
        }
        colLists.push({ positive, negative: colIdx.slice(negStart, nCols) });
        entries.push({ m: T, k: kRows, n: nCols - negStart, aOffset, rowsOffset: swappedStart, colsOffset: negStart });
      }
      const rowsT = be.tensor(rowIdx.subarray(0, Math.max(nRows, 1)));
      const rowScaleT = be.tensor(rowScale.subarray(0, Math.max(nRows, 1)));
      const colsT = be.tensor(colIdx.subarray(0, Math.max(nCols, 1)));
      const colScaleT = be.tensor(colScale.subarray(0, Math.max(nCols, 1)));
      let result: { out: Tensor; offsets: Int32Array };
      try {
        result = be.gatheredGemm(a, l.matrix, rowsT, rowScaleT, colsT, colScaleT, entries);
      } finally {
        rowsT.dispose();
        rowScaleT.dispose();
        colsT.dispose();
        colScaleT.dispose();
        a.dispose();
      }
      a = result.out;
      if (k > 0) {
        // the next layer reads each row's [T, active] block where this one wrote it
        aOffsets = Array.from({ length: n }, (_, b) => result.offsets[b]!);
        continue;
      }
      // ---- input layer reached: scatter each row's compact blocks into [T, in]
      const values = await readFloat(a);
      let e = 0;
      for (let b = 0; b < n; b++) {
        const T = counts[b]!;
        const dense = new Float32Array(T * l.in);
        const lists = colLists[b]!;
        const groups = lists.negative.length > 0 ? [lists.positive, lists.negative] : [lists.positive];
        for (const cols of groups) {
          const base = result.offsets[e++]!;
          // + 0 turns the -0 of (no relevance) x (negative input) into +0
          for (let tau = 0; tau < T; tau++) for (let c = 0; c < cols.length; c++) dense[tau * l.in + cols[c]!] = values[base + tau * cols.length + c]! + 0;
        }
        await options.onRow(r0 + b, dense, targets[r0 + b]!);
      }
    }
  } finally {
    if (!a.isDisposed) a.dispose();
  }
}
