/**
 * The fused all-targets path for Dense/ReLU chains whose Dense layers use a
 * rule that declares its dense form (`DenseForm`: epsilon, gamma, the plain
 * gradient and x ⊙ gradient among the stock rules). Every such rule is, for
 * a fixed forward pass,
 *
 *   R_in[i] = (x_i or 1) * sum_j M[j, i] * R_out[j] / den_j
 *
 * with M the (rule-modified) weight and den the rule's stabilised
 * denominator, and only units with a non-zero input (after a ReLU: the active
 * ones) and a non-zero output relevance take part. So one row's targets go back
 * through a layer as one product against M restricted to the row's active
 * rows and columns, and all rows of a batch go in one `gatheredGemm` call:
 * the gather, the scaling by 1/den and by x, and the product happen in the
 * kernel; relevance stays on the device from the output layer to the input.
 *
 * A 'signed' form (the generalised gamma rule) has two matrices, up(W) and
 * down(W): for z_j > 0, M = up(W) for x_i > 0 and down(W) for x_i < 0 and
 * den = up(W) x+ + down(W) x- + up(b); for z_j < 0 the roles swap; z_j = 0
 * gets no relevance. Both sit in one stacked matrix [up(W); down(W)], and a
 * row index picks one. This module knows no rule by name: it reads the form.
 */
import type { Backend, Tensor } from '@relevance/core-wasm';
import { readFloat } from '../common.js';
import { denseForward } from '../../model/ops/dense.js';
import type { DenseForm } from './rules/declare.js';

export interface ChainDense {
  /** [out, in] */
  weight: Tensor;
  bias: Tensor | null;
  /** The layer's rule as its dense form. */
  rule: DenseForm;
}

export interface FusedChainOptions {
  /**
   * Output relevance of each (row, target): given the row's outputs and its
   * targets. Default: the target's output value, or 1 when the last layer's
   * form is the plain gradient (no denominator).
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
  form: DenseForm;
  /** Keep negative inputs apart (a signed form: they take the other half of the stacked matrix). */
  split: boolean;
  /** The matrix the kernel gathers from: W, or [up(W); down(W)] for a signed form. */
  matrix: Tensor;
  /** Signed: up(b) and down(b) (host). */
  biasPositive: Float32Array | null;
  biasNegative: Float32Array | null;
  /** Signed: up(W) and down(W) as tensors for the denominators. */
  positive: Tensor | null;
  negative: Tensor | null;
}

function stabilize(v: number, s: number): number {
  return v + s * (v >= 0 ? 1 : -1);
}

/** A bias under a modifier, on the host (the modifier's own host form where it has one). */
async function modifiedBias(be: Backend, bias: Tensor | null, out: number, m: DenseForm['up']): Promise<Float32Array> {
  if (!bias) return new Float32Array(out);
  if (!m) return readFloat(bias);
  if (m.host) {
    const host = m.host;
    return (await readFloat(bias)).map((v) => host(v));
  }
  const t = be.scope(() => m(be, bias));
  try {
    return await readFloat(t);
  } finally {
    t.dispose();
  }
}

async function prepare(be: Backend, layers: readonly ChainDense[]): Promise<PreparedLayer[]> {
  const out: PreparedLayer[] = [];
  for (const l of layers) {
    const [o, i] = l.weight.shape as [number, number];
    const form = l.rule;
    if (form.denominator !== 'signed') {
      out.push({ out: o, in: i, form, split: false, matrix: l.weight, biasPositive: null, biasNegative: null, positive: null, negative: null });
      continue;
    }
    const up = form.up, down = form.down ?? form.up;
    const positive = up ? be.scope(() => up(be, l.weight)) : be.reshape(l.weight, l.weight.shape);
    const negative = down ? be.scope(() => down(be, l.weight)) : be.reshape(l.weight, l.weight.shape);
    const matrix = be.concat([positive, negative], 0);
    const biasPositive = await modifiedBias(be, l.bias, o, up);
    const biasNegative = await modifiedBias(be, l.bias, o, down);
    out.push({ out: o, in: i, form, split: true, matrix, biasPositive, biasNegative, positive, negative });
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

interface LayerState {
  /** Layer input [n, in] (host). */
  input: Float32Array;
  /** Pre-activation [n, out] (host). */
  z: Float32Array;
  /** Signed forms: modified pre-activations for the z > 0 branch and the z < 0 branch (host), without bias. */
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
      const z = denseForward(be, a, weights[k]!.weight, weights[k]!.bias);
      let zPositive: Float32Array | null = null;
      let zNegative: Float32Array | null = null;
      if (l.split) {
        const signed = k === 0; // after a ReLU inputs are never negative
        const xp = signed ? be.positive(a) : a;
        const xn = signed ? be.negative(a) : null;
        // z > 0 branch: up(W) x+ + down(W) x-
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

/** 1/den of target t at the output layer and the row of the stacked matrix it reads (signed forms: by the sign of z). */
function outputFactor(l: PreparedLayer, state: LayerState, b: number, t: number): { factor: number; row: number } {
  const f = l.form;
  const at = b * l.out + t;
  const zt = state.z[at]!;
  if (f.denominator === 'output') return { factor: 1 / stabilize(zt, f.stabilizer), row: t };
  if (f.denominator === 'none') return { factor: 1, row: t };
  if (zt > 0) return { factor: 1 / stabilize(state.zPositive![at]! + l.biasPositive![t]!, f.stabilizer), row: t };
  if (zt < 0) return { factor: 1 / stabilize(state.zNegative![at]! + l.biasNegative![t]!, f.stabilizer), row: l.out + t };
  return { factor: 0, row: t };
}

interface Seed {
  /** Per row, its targets' output relevance / den, one value each (the diagonal of the row's [T, T] start). */
  values: Float32Array;
  aOffsets: number[];
  /** Per row: the rows of the output layer's matrix its targets read. */
  diagRows: number[][];
}

/** Output relevance per (row, target), divided by the target's denominator. */
function seedBatch(last: PreparedLayer, state: LayerState, n: number, r0: number, targets: readonly Int32Array[], options: FusedChainOptions): Seed {
  const counts = Array.from({ length: n }, (_, b) => targets[r0 + b]!.length);
  const values = new Float32Array(counts.reduce((s, c) => s + c, 0));
  const aOffsets: number[] = [];
  const diagRows: number[][] = [];
  let at = 0;
  for (let b = 0; b < n; b++) {
    const list = targets[r0 + b]!;
    const T = list.length;
    const z = state.z.subarray(b * last.out, (b + 1) * last.out);
    const scale = options.outputRelevance ? options.outputRelevance(r0 + b, z, list) : last.form.denominator === 'none' ? new Float32Array(T).fill(1) : Float32Array.from(list, (t) => z[t]!);
    const rowsUsed: number[] = [];
    for (let tau = 0; tau < T; tau++) {
      const { factor, row } = outputFactor(last, state, b, list[tau]!);
      values[at + tau] = scale[tau]! * factor;
      rowsUsed.push(row);
    }
    aOffsets.push(at);
    diagRows.push(rowsUsed);
    at += T;
  }
  return { values, aOffsets, diagRows };
}

type Entry = { m: number; k: number; n: number; aOffset: number; rowsOffset: number; colsOffset: number };

/** One row's blocks of a layer: input columns (negative inputs apart for signed forms) and the entry each block starts at. */
interface RowBlocks {
  positive: Int32Array;
  negative: Int32Array;
  positiveEntry: number;
  negativeEntry: number;
}

/** The gathered product's index lists of one layer for every row of the batch. */
interface LayerPlan {
  rowIdx: Int32Array;
  rowScale: Float32Array;
  colIdx: Int32Array;
  colScale: Float32Array;
  nRows: number;
  nCols: number;
  entries: Entry[];
  /** Per row: its blocks' columns and first entries; each block's [T, columns] output is contiguous. */
  blocks: RowBlocks[];
}

/**
 * The entries of one [T, k] x [k, n] block; returns the index of its first.
 * At the output layer the row's start is diagonal (one value per target, T
 * values at aOffset): then each target is its own 1 x 1 x n entry against its
 * one row, which gives the same values as the T x T product with the zeros
 * (every sum there has one non-zero term) without T times the work. The
 * entries follow each other, so the block's output is still [T, n] row-major.
 */
function pushBlock(entries: Entry[], diagonal: boolean, T: number, k: number, n: number, aOffset: number, rowsOffset: number, colsOffset: number): number {
  const first = entries.length;
  if (!diagonal || T === 0) entries.push({ m: T, k, n, aOffset, rowsOffset, colsOffset });
  else for (let tau = 0; tau < T; tau++) entries.push({ m: 1, k: 1, n, aOffset: aOffset + tau, rowsOffset: rowsOffset + tau, colsOffset });
  return first;
}

/** Index lists the plans of one batch share, layer after layer (each plan's lists are copied to the backend before the next). */
interface PlanScratch {
  rowIdx: Int32Array;
  rowScale: Float32Array;
  colIdx: Int32Array;
  colScale: Float32Array;
}

/** Scratch for every layer of a batch: each row keeps at most all output units (twice for a signed split) and all inputs. */
function planScratch(layers: readonly PreparedLayer[], counts: readonly number[]): PlanScratch {
  const n = counts.length;
  const widest = counts.reduce((m, c) => Math.max(m, c), 0);
  const rowCap = n * layers.reduce((m, l) => Math.max(m, Math.max(l.out, widest) * (l.split ? 2 : 1)), 0);
  const colCap = n * layers.reduce((m, l) => Math.max(m, l.in), 0);
  return { rowIdx: new Int32Array(rowCap), rowScale: new Float32Array(rowCap), colIdx: new Int32Array(colCap), colScale: new Float32Array(colCap) };
}

function planLayer(l: PreparedLayer, state: LayerState, isLast: boolean, counts: readonly number[], aOffsets: readonly number[], diagRows: readonly number[][], scratch: PlanScratch): LayerPlan {
  const n = counts.length;
  const { rowIdx, rowScale, colIdx, colScale } = scratch;
  const entries: Entry[] = [];
  const blocks: RowBlocks[] = [];
  // hot loops: the form's fields in locals
  const { denominator, stabilizer, byInput } = l.form;
  const { split, out, in: width } = l;
  const { z, zPositive, input } = state;
  const biasPositive = l.biasPositive;
  let nRows = 0;
  let nCols = 0;
  for (let b = 0; b < n; b++) {
    const T = counts[b]!;
    const inBase = b * width;
    const outBase = b * out;
    // rows: the layer's output units that carry relevance, with 1/den
    const rowsStart = nRows;
    if (isLast) {
      for (const r of diagRows[b]!) {
        rowIdx[nRows] = r;
        rowScale[nRows++] = 1;
      }
    } else {
      for (let j = 0; j < out; j++) {
        const zj = z[outBase + j]!;
        if (!(zj > 0)) continue; // inactive after the ReLU: no relevance
        rowIdx[nRows] = j;
        rowScale[nRows++] = denominator === 'output' ? 1 / stabilize(zj, stabilizer) : denominator === 'signed' ? 1 / stabilize(zPositive![outBase + j]! + biasPositive![j]!, stabilizer) : 1;
      }
    }
    const kRows = nRows - rowsStart;
    const aOffset = aOffsets[b]!;
    // columns: inputs that are non-zero, in order; a signed form keeps negative inputs apart
    const colsStart = nCols;
    let negatives = 0;
    for (let i = 0; i < width; i++) {
      const v = input[inBase + i]!;
      if (v > 0 || (v < 0 && !split)) {
        colIdx[nCols] = i;
        colScale[nCols++] = byInput ? v : 1;
      } else if (v < 0) negatives++;
    }
    const positive = colIdx.slice(colsStart, nCols);
    const positiveEntry = pushBlock(entries, isLast, T, kRows, nCols - colsStart, aOffset, rowsStart, colsStart);
    if (negatives === 0) {
      blocks.push({ positive, negative: new Int32Array(0), positiveEntry, negativeEntry: -1 });
      continue;
    }
    // negative inputs of a signed form (first layer only): the same rows, each taken from the other half
    const swappedStart = nRows;
    for (let q = 0; q < kRows; q++) {
      const r = rowIdx[rowsStart + q]!;
      rowIdx[nRows] = r >= out ? r - out : r + out;
      rowScale[nRows++] = rowScale[rowsStart + q]!;
    }
    const negStart = nCols;
    for (let i = 0; i < width; i++) {
      const v = input[inBase + i]!;
      if (v < 0) {
        colIdx[nCols] = i;
        colScale[nCols++] = byInput ? v : 1;
      }
    }
    const negativeEntry = pushBlock(entries, isLast, T, kRows, nCols - negStart, aOffset, swappedStart, negStart);
    blocks.push({ positive, negative: colIdx.slice(negStart, nCols), positiveEntry, negativeEntry });
  }
  return { rowIdx, rowScale, colIdx, colScale, nRows, nCols, entries, blocks };
}

function gatheredProduct(be: Backend, a: Tensor, l: PreparedLayer, p: LayerPlan): { out: Tensor; offsets: Int32Array } {
  const rowsT = be.tensor(p.rowIdx.subarray(0, Math.max(p.nRows, 1)));
  const rowScaleT = be.tensor(p.rowScale.subarray(0, Math.max(p.nRows, 1)));
  const colsT = be.tensor(p.colIdx.subarray(0, Math.max(p.nCols, 1)));
  const colScaleT = be.tensor(p.colScale.subarray(0, Math.max(p.nCols, 1)));
  try {
    return be.gatheredGemm(a, l.matrix, rowsT, rowScaleT, colsT, colScaleT, p.entries);
  } finally {
    rowsT.dispose();
    rowScaleT.dispose();
    colsT.dispose();
    colScaleT.dispose();
    a.dispose();
  }
}

/** The input layer reached: scatter each row's compact blocks into [T, in]. */
async function scatterRows(a: Tensor, offsets: Int32Array, l: PreparedLayer, p: LayerPlan, counts: readonly number[], r0: number, targets: readonly Int32Array[], options: FusedChainOptions): Promise<void> {
  const values = await readFloat(a);
  for (let b = 0; b < counts.length; b++) {
    const T = counts[b]!;
    const dense = new Float32Array(T * l.in);
    const row = p.blocks[b]!;
    const groups: Array<[Int32Array, number]> = row.negative.length > 0 ? [[row.positive, row.positiveEntry], [row.negative, row.negativeEntry]] : [[row.positive, row.positiveEntry]];
    for (const [cols, entry] of groups) {
      const base = offsets[entry]!;
      // + 0 turns the -0 of (no relevance) x (negative input) into +0
      for (let tau = 0; tau < T; tau++) for (let c = 0; c < cols.length; c++) dense[tau * l.in + cols[c]!] = values[base + tau * cols.length + c]! + 0;
    }
    await options.onRow(r0 + b, dense, targets[r0 + b]!);
  }
}

async function runBatch(be: Backend, layers: PreparedLayer[], chain: readonly ChainDense[], x: Tensor, r0: number, targets: readonly Int32Array[], outputs: Float32Array, options: FusedChainOptions): Promise<void> {
  const n = x.shape[0]!;
  const states = await forward(be, layers, chain, x);
  const L = layers.length;
  const last = layers[L - 1]!;
  outputs.set(states[L - 1]!.z, r0 * last.out);
  const counts = Array.from({ length: n }, (_, b) => targets[r0 + b]!.length);
  const seed = seedBatch(last, states[L - 1]!, n, r0, targets, options);
  let aOffsets = seed.aOffsets;
  let a = be.tensor(seed.values);
  const scratch = planScratch(layers, counts);
  try {
    for (let k = L - 1; k >= 0; k--) {
      const plan = planLayer(layers[k]!, states[k]!, k === L - 1, counts, aOffsets, seed.diagRows, scratch);
      const result = gatheredProduct(be, a, layers[k]!, plan);
      a = result.out;
      // the next layer reads each row's [T, active] block where this one wrote it
      if (k > 0) aOffsets = plan.blocks.map((row) => result.offsets[row.positiveEntry]!);
      else await scatterRows(a, result.offsets, layers[k]!, plan, counts, r0, targets, options);
    }
  } finally {
    if (!a.isDisposed) a.dispose();
  }
}
