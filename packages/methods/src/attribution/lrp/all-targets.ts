/**
 * All-targets LRP: the relevance of every input for each of many outputs.
 *
 * For a fixed forward pass every rule here is linear in the output relevance,
 * so the T targets of one row go back together as one [T, out] block (one
 * matrix product per layer) instead of T backward passes.
 *
 * Fast path ('skip-inactive'), for sequential chains of Dense layers and
 * activations with the Pass rule: a rule that weights by its input
 * (`zeroForZeroInput`) gives zero relevance to inputs that are 0, so after a
 * ReLU only the active units carry relevance. Per row we gather the active
 * rows (outputs that still carry relevance) and columns (non-zero inputs) of
 * each weight matrix and run the rule on that compact layer: a [T, a_out] x
 * [a_out, a_in] product instead of [T, out] x [out, in]. The rules themselves
 * run unchanged on the compact layer (one input row, T relevance rows).
 * 'dense' is the same per-row block computation without the gathers (a check
 * of the fast path); 'generic' runs the model's ordinary backward once per
 * (row, target) pair and works for every model.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model, Node, RuleContext, RuleSelector } from '../../model/model.js';
import type { OpDef, Params } from '../../model/op.js';
import { denseForward } from '../../model/ops/dense.js';
import { checkOptions, outputWidth, readFloat, sliceRows, targetGradient } from '../common.js';
import { AttributionError } from '../types.js';
import { layerName } from './composites.js';
import { LRP_RULES, type LrpRule } from './rules/index.js';
import { prepareLrp, RULE_OPTION_NAMES, ruleOptionNames, type LrpRuleOptions, type PreparedLrp } from './settings.js';
import { fusedChainRelevance, type ChainDense } from './fused-chain.js';

export type AllTargetsPath = 'fused' | 'skip-inactive' | 'dense' | 'generic';

export interface LrpAllTargetsOptions extends Omit<LrpRuleOptions, 'outputRelevance'> {
  /**
   * Output indices to explain: 'all' (default: every output), one list for
   * every row, or one list per row (lists of different lengths need `onRow`).
   */
  targetsPerRow?: 'all' | readonly number[] | Int32Array | ReadonlyArray<readonly number[] | Int32Array>;
  /**
   * Output relevance of each (row, target): 'logit' (default, the target's
   * output value, as `lrp`), 'one', or explicit values: a Float32Array of one
   * scale per row (for all its targets) or one per (row, target) pair.
   */
  outputRelevance?: 'logit' | 'one' | Float32Array;
  /**
   * Receive each row's relevance ([T, ...inputShape], row-major; the array is
   * yours) instead of one [rows, T, ...] array: no large allocation.
   */
  onRow?: (row: number, relevance: Float32Array, targets: Int32Array) => void | Promise<void>;
  /**
   * 'auto' (default): 'fused' for Dense/ReLU chains with epsilon or gamma rules (one gathered
   * product per layer for all rows), 'skip-inactive' for other Dense/activation chains, else 'generic'.
   */
  path?: 'auto' | AllTargetsPath;
  /** Rows per forward pass (fast paths, default 64) or (row, target) pairs per backward pass (generic, default 256). */
  batchSize?: number;
  /** How the fast path builds compact weights: 'auto' (default: the faster of the two on CPU backends, timed once per call; 'backend' on WebGPU). */
  compaction?: 'auto' | Compaction;
}

export interface LrpAllTargetsResult {
  method: 'lrp-all-targets';
  /** [rows, T, ...inputShape] row-major, or null when `onRow` took the rows. */
  values: Float32Array | null;
  /** [rows, T, ...inputShape]; T is -1 when rows have different target counts. */
  shape: number[];
  /** The explained output indices of each row. */
  targets: Int32Array[];
  /** The output relevance each (row, target) started from, row-major. */
  outputRelevance: Float32Array;
  /** Model outputs [rows, outputs] (of the canonized model). */
  outputs: Float32Array;
  path: AllTargetsPath;
  /** Resolved settings, rules per layer included. */
  params: Record<string, unknown>;
}

const ALL_TARGETS_OWN_OPTIONS = ['targetsPerRow', 'onRow', 'path', 'batchSize', 'compaction'];

/** The options with the stock rules' parameters (rules registered later add theirs). */
export const LRP_ALL_TARGETS_OPTION_NAMES: readonly string[] = [...ALL_TARGETS_OWN_OPTIONS, ...RULE_OPTION_NAMES];

interface ChainLayer {
  node: Node;
  rule: LrpRule;
}

/** A sequential Dense/activation chain: its Dense layers with their rules, and the activations after each. */
export interface DenseChainInfo {
  layers: ChainLayer[];
  /** Per Dense layer, the activation nodes between it and the next Dense layer (or the output). */
  after: Node[][];
}

/**
 * The one chain validator of all-targets LRP: the model as a sequential chain
 * of Dense layers and activations (Identity, Dropout and [batch, n] Flatten
 * allowed), or why it is not one.
 */
export function chainStructure(model: Model, rules: ReadonlyMap<string, LrpRule>): DenseChainInfo | string {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return 'the model has several inputs or outputs';
  if (model.inputs[0]!.shape.length !== 2) return `the input is not [batch, features] (shape [${model.inputs[0]!.shape.join(', ')}])`;
  let current = model.inputs[0]!.name;
  const layers: ChainLayer[] = [];
  const after: Node[][] = [];
  for (const node of model.nodes) {
    if (node.inputs.length !== 1 || node.inputs[0] !== current || node.outputs.length !== 1) return `'${layerName(node)}' does not continue a single chain of layers`;
    current = node.outputs[0]!;
    const rule = rules.get(node.name);
    if (node.type === 'Dense') {
      if (!rule) return `Dense '${layerName(node)}' has no LRP rule`;
      layers.push({ node, rule });
      after.push([]);
    } else if (node.op.activation || node.type === 'BatchNorm' || node.type === 'Identity' || node.type === 'Dropout') {
      if (layers.length) after[after.length - 1]!.push(node);
    } else if (!(node.type === 'Flatten' && node.outputShapes[0]!.length === 2 && !rule)) {
      return `'${layerName(node)}' (${node.type}) is not a Dense layer or an activation`;
    }
  }
  if (current !== model.outputs[0]) return 'the chain does not end at the model output';
  if (layers.length === 0) return 'the model has no Dense layer';
  return { layers, after };
}

/** The chain for the per-row block paths: relevance must pass activations unchanged (their plain gradient would not). */
export function denseChain(model: Model, rules: ReadonlyMap<string, LrpRule>): ChainLayer[] | string {
  const chain = chainStructure(model, rules);
  if (typeof chain === 'string') return chain;
  for (const node of model.nodes) {
    if (!(node.op.activation || node.type === 'BatchNorm' || node.type === 'Identity' || node.type === 'Dropout')) continue;
    const rule = rules.get(node.name);
    const needsPass = node.op.activation || node.type === 'BatchNorm';
    if (needsPass ? !rule?.passesThrough : rule && !rule.passesThrough) return `'${layerName(node)}' (${node.type}) does not use the Pass rule`;
  }
  return chain.layers;
}

/**
 * The chain as the fused path takes it, or why it cannot: every Dense layer's
 * rule declares a dense form, and every Dense but the last is followed by one
 * ReLU whose units with z <= 0 get no relevance: the ReLU's own gradient, or
 * Pass with a next rule that gives zero inputs nothing.
 */
export function fusedChain(chain: DenseChainInfo, rules: ReadonlyMap<string, LrpRule>): ChainDense[] | string {
  const out: ChainDense[] = [];
  const { layers, after } = chain;
  for (let k = 0; k < layers.length; k++) {
    const { node, rule } = layers[k]!;
    if (!rule.dense) return `'${layerName(node)}' uses the ${rule.name} rule, which has no dense form`;
    if (k < layers.length - 1) {
      const activations = after[k]!.filter((n) => n.type !== 'Identity' && n.type !== 'Dropout');
      if (activations.length !== 1 || activations[0]!.type !== 'ReLU') return `'${layerName(node)}' is not followed by exactly one ReLU`;
      const reluRule = rules.get(activations[0]!.name);
      const zeroed = !reluRule || (reluRule.passesThrough && layers[k + 1]!.rule.zeroForZeroInput);
      if (!zeroed) return `'${layerName(activations[0]!)}' after '${layerName(node)}' passes relevance to inactive units`;
    }
    out.push({ weight: node.params.weight!, bias: node.params.bias ?? null, rule: rule.dense });
  }
  return out;
}

/**
 * Dense with the weight stored transposed, [in, out]. The compact layers of the
 * fast path are built on the host in this layout: the backward product
 * R [T, out] x W [out, in] then reads W as a transposed B, which the GEMM
 * kernels pack faster. Rules only modify weights elementwise, so the layout is
 * invisible to them.
 */
const DENSE_TRANSPOSED: OpDef = {
  type: 'DenseTransposed',
  arity: { min: 1, max: 1 },
  paramRoles: { required: ['weight'], optional: ['bias'] },
  linear: true,
  inferShape: ([x], _attrs, params) => [[x![0]!, params.weight![1]!]],
  forward({ be, params }, [x]) {
    return { outputs: [denseForward(be, x!, params.weight!, params.bias, 'transposed')] };
  },
  backward({ be, params }, _inputs, _outputs, _saved, [dy], need) {
    return { inputs: [need.inputs[0] ? be.gemm(dy!, params.weight!, { transB: true }) : null] };
  },
};

/**
 * How the compact weight W[rows, cols] (stored transposed) is built each row.
 * 'host': from a transposed host copy, in JS (one strided pass). 'backend':
 * two `gather`s on the device (a contiguous one over rows of Wᵀ, then a
 * strided one), which keeps the weights on a GPU. Both copy the same numbers,
 * so the choice changes only the speed.
 */
export type Compaction = 'host' | 'backend';

interface PreparedLayer extends ChainLayer {
  inWidth: number;
  outWidth: number;
  bias: Float32Array | null;
  /** W[rows, cols] as a [cols, rows] tensor (null index lists mean "all"); the caller owns it. */
  compactWeight(rows: Int32Array | null, cols: Int32Array | null): Tensor;
  dispose(): void;
}

type Compactor = Pick<PreparedLayer, 'compactWeight' | 'dispose'>;

function backendCompactor(weight: Tensor): Compactor {
  const be = weight.backend;
  const weightT = be.keep(be.transpose(weight));
  return {
    compactWeight(rows, cols) {
      if (!rows && !cols) return be.reshape(weightT, weightT.shape);
      const byCols = cols ? be.gather(weightT, cols, 0) : weightT;
      if (!rows) return byCols;
      const out = be.gather(byCols, rows, 1);
      if (byCols !== weightT) byCols.dispose();
      return out;
    },
    dispose: () => weightT.dispose(),
  };
}

async function hostCompactor(weight: Tensor): Promise<Compactor> {
  const be = weight.backend;
  const [outWidth, inWidth] = weight.shape as [number, number];
  const values = await readFloat(weight);
  const weightT = new Float32Array(values.length);
  for (let o = 0; o < outWidth; o++) for (let i = 0; i < inWidth; i++) weightT[i * outWidth + o] = values[o * inWidth + i]!;
  // reused for every row: the backends copy on upload
  const scratch = new Float32Array(values.length);
  return {
    compactWeight(rows, cols) {
      const nRows = rows?.length ?? outWidth;
      const nCols = cols?.length ?? inWidth;
      let at = 0;
      for (let k = 0; k < nCols; k++) {
        const base = (cols ? cols[k]! : k) * outWidth;
        if (!rows) {
          scratch.set(weightT.subarray(base, base + outWidth), at);
          at += outWidth;
        } else {
          // this loop shape (increment in the header, `| 0` index) is the fastest V8 gives here
          for (let j = 0; j < nRows; j++, at++) scratch[at] = weightT[(base + rows[j]!) | 0]!;
        }
      }
      return be.tensor(scratch.subarray(0, nRows * nCols), [nCols, nRows]);
    },
    dispose: () => undefined,
  };
}

/** CPU milliseconds of this process where Node offers them (robust to other processes), else wall milliseconds. */
function clockMs(): number {
  if (typeof process === 'object' && typeof process.cpuUsage === 'function') {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  }
  return performance.now();
}

/** Milliseconds per compaction of half the rows and columns of the layer (best of 5). */
function timeCompaction(compactor: Compactor, outWidth: number, inWidth: number): number {
  // a fixed pseudo-random half: runs of consecutive indices as in real activity patterns
  let state = 12345;
  const half = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i).filter(() => ((state = (state * 1103515245 + 12345) >>> 0) & 0x10000) !== 0);
  const rows = half(outWidth);
  const cols = half(inWidth);
  let best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    const t0 = clockMs();
    compactor.compactWeight(rows, cols).dispose();
    best = Math.min(best, clockMs() - t0);
  }
  return best;
}

/**
 * Per-layer compaction. 'auto' on a CPU backend times both methods once on
 * the largest layer and keeps the faster (a faster device gather kernel then
 * wins by itself); on WebGPU it keeps the weights on the device.
 */
async function prepareLayers(layers: readonly ChainLayer[], requested: 'auto' | Compaction | 'none'): Promise<{ layers: PreparedLayer[]; compaction: Compaction | null }> {
  const be = layers[0]!.node.params.weight!.backend;
  if (requested === 'none') {
    const unused: Compactor = { compactWeight: () => { throw new Error('lrpAllTargets: no compaction on the dense path'); }, dispose: () => undefined };
    return { layers: layers.map((l) => ({ ...l, inWidth: l.node.params.weight!.shape[1]!, outWidth: l.node.params.weight!.shape[0]!, bias: null, ...unused })), compaction: null };
  }
  // 'auto' on a CPU backend: time both on the largest layer and keep the faster there
  const largest = layers.reduce((a, b) => (b.node.params.weight!.size > a.node.params.weight!.size ? b : a));
  let compaction: Compaction;
  let largestCompactor: Compactor | null = null;
  if (requested !== 'auto') compaction = requested;
  else if (be.name === 'webgpu') compaction = 'backend';
  else {
    const [outWidth, inWidth] = largest.node.params.weight!.shape as [number, number];
    const host = await hostCompactor(largest.node.params.weight!);
    const device = backendCompactor(largest.node.params.weight!);
    const deviceFaster = timeCompaction(device, outWidth, inWidth) < timeCompaction(host, outWidth, inWidth);
    compaction = deviceFaster ? 'backend' : 'host';
    largestCompactor = deviceFaster ? device : host;
    (deviceFaster ? host : device).dispose();
  }
  const prepared = await Promise.all(layers.map(async (l): Promise<PreparedLayer> => {
    const w = l.node.params.weight!;
    const compactor = l === largest && largestCompactor ? largestCompactor : compaction === 'backend' ? backendCompactor(w) : await hostCompactor(w);
    return { ...l, inWidth: w.shape[1]!, outWidth: w.shape[0]!, bias: l.node.params.bias ? await readFloat(l.node.params.bias) : null, ...compactor };
  }));
  return { layers: prepared, compaction };
}

function nonZeroIndices(values: Float32Array): Int32Array {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) out[k++] = i;
  return out;
}

function compact(values: Float32Array, indices: Int32Array | null): Float32Array {
  if (!indices) return values.slice();
  const out = new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) out[k] = values[indices[k]!]!;
  return out;
}

/** A RuleContext for one input row and a [T, out] relevance block. */
function rowContext(node: Node, input: Tensor, output: Tensor, relevance: Tensor): RuleContext {
  const be = input.backend;
  const opContext = (params: Params) => ({ be, attrs: node.attrs, params, training: false, node: node.name });
  return {
    be,
    node,
    inputs: [input],
    outputs: [output],
    saved: [],
    gradOutputs: [relevance],
    forward: (ins = [input], params = node.params) => node.op.forward(opContext(params), ins).outputs,
    // Dense's backward reads neither the forward output nor the input values: no forward needed
    backward: (gOuts, ins = [input], params = node.params) => node.op.backward(opContext(params), ins, [output], [], gOuts, { inputs: ins.map(() => true), params: false }).inputs,
  };
}

interface RowWork {
  targets: Int32Array;
  /** Output relevance per target. */
  scale: Float32Array;
  /** Per Dense layer: this row's input and output values. */
  layerInputs: readonly Float32Array[];
  layerOutputs: readonly Float32Array[];
}

/**
 * One row through the Dense chain, all its targets at once. With
 * `skipInactive`, each layer is compacted to the outputs that carry relevance
 * and the inputs that can receive some. Returns [T, inputWidth] on the host.
 */
async function chainRow(layers: readonly PreparedLayer[], work: RowWork, skipInactive: boolean): Promise<Float32Array> {
  const top = layers[layers.length - 1]!;
  const be = top.node.params.weight!.backend;
  const T = work.targets.length;
  const inputWidth = layers[0]!.inWidth;
  const result = new Float32Array(T * inputWidth);
  if (T === 0) return result;
  // relevance enters the top layer at the targets only
  const outIndices0 = skipInactive ? Int32Array.from(new Set(work.targets)).sort() : null;
  const seedWidth = outIndices0?.length ?? top.outWidth;
  const position = new Map<number, number>();
  if (outIndices0) outIndices0.forEach((o, k) => position.set(o, k));
  const seed = new Float32Array(T * seedWidth);
  work.targets.forEach((t, k) => {
    seed[k * seedWidth + (outIndices0 ? position.get(t)! : t)] += work.scale[k]!;
  });

  let inputIndices: Int32Array | null = null;
  const relevance = be.scope(() => {
    let outIndices: Int32Array | null = outIndices0;
    let r: Tensor = be.tensor(seed, [T, seedWidth]);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l]!;
      const x = work.layerInputs[l]!;
      let inIndices: Int32Array | null = null;
      if (skipInactive && layer.rule.zeroForZeroInput) {
        inIndices = nonZeroIndices(x);
        if (inIndices.length === 0) return null;
        if (inIndices.length === layer.inWidth) inIndices = null;
      }
      let node: Node;
      if (skipInactive) {
        // a rule that replaces the weights (Flat) needs only their shape
        const weight = layer.rule.readsWeightValues === false
          ? be.zeros([inIndices?.length ?? layer.inWidth, outIndices?.length ?? layer.outWidth])
          : layer.compactWeight(outIndices, inIndices);
        const params: Record<string, Tensor> = { weight };
        if (layer.bias) params.bias = be.tensor(compact(layer.bias, outIndices));
        node = { ...layer.node, type: DENSE_TRANSPOSED.type, op: DENSE_TRANSPOSED, params };
      } else {
        node = layer.node;
      }
      const input = be.tensor(compact(x, inIndices), [1, inIndices?.length ?? layer.inWidth]);
      const output = be.tensor(compact(work.layerOutputs[l]!, outIndices), [1, outIndices?.length ?? layer.outWidth]);
      const [next] = layer.rule.backward(rowContext(node, input, output, r));
      if (!next) throw new AttributionError(`lrpAllTargets: rule '${layer.rule.name}' on '${layerName(layer.node)}' returned no relevance`);
      r = next;
      // this layer's inputs are the outputs of the one below (activations in between pass relevance unchanged)
      outIndices = inIndices;
    }
    inputIndices = outIndices;
    return r;
  });
  if (!relevance) return result;
  try {
    const host = await readFloat(relevance);
    const idx = inputIndices as Int32Array | null;
    const a = idx?.length ?? inputWidth;
    if (host.length !== T * a) throw new AttributionError(`lrpAllTargets: the first layer's rule returned ${host.length} values, expected ${T} x ${a}`);
    if (!idx) result.set(host);
    else for (let t = 0; t < T; t++) for (let k = 0; k < a; k++) result[t * inputWidth + idx[k]!] = host[t * a + k]!;
  } finally {
    relevance.dispose();
  }
  return result;
}

function targetLists(spec: LrpAllTargetsOptions['targetsPerRow'], rows: number, width: number): Int32Array[] {
  const check = (list: Int32Array, row: number): Int32Array => {
    list.forEach((t) => {
      if (!Number.isInteger(t) || t < 0 || t >= width) throw new AttributionError(`lrpAllTargets: target ${t} (row ${row}) is out of range: the model has ${width} outputs (0 to ${width - 1})`);
    });
    return list;
  };
  if (spec === undefined || spec === 'all') {
    const all = Int32Array.from({ length: width }, (_, i) => i);
    return Array.from({ length: rows }, () => all);
  }
  if (spec instanceof Int32Array || (Array.isArray(spec) && spec.every((v) => typeof v === 'number'))) {
    const shared = check(Int32Array.from(spec as ArrayLike<number>), 0);
    return Array.from({ length: rows }, () => shared);
  }
  const lists = spec as ReadonlyArray<readonly number[] | Int32Array>;
  if (lists.length !== rows) throw new AttributionError(`lrpAllTargets: targetsPerRow has ${lists.length} lists for ${rows} rows; give one list per row, one list for all rows, or 'all'`);
  return lists.map((l, r) => check(Int32Array.from(l), r));
}

/** What both paths share: the rows' targets, where each row's pairs start, and how results are handed over. */
interface Job {
  model: Model;
  inputs: Tensor;
  rows: number;
  perRow: number;
  width: number;
  targets: Int32Array[];
  /** Pair offset of each row (rows + 1 entries). */
  offsets: Int32Array;
  outputs: Float32Array;
  outputRelevance: Float32Array;
  /** The output relevance of a row's targets, from its outputs. */
  scalesFor(row: number, rowOutputs: Float32Array): Float32Array;
  deliver(row: number, relevance: Float32Array): Promise<void>;
}

async function runChain(job: Job, layers: readonly PreparedLayer[], rowsPerPass: number, skipInactive: boolean): Promise<void> {
  const { model, inputs, rows, width } = job;
  const be = model.be;
  for (let start = 0; start < rows; start += rowsPerPass) {
    const end = Math.min(rows, start + rowsPerPass);
    const x = start === 0 && end === rows ? inputs : sliceRows(be, inputs, start, end);
    const pass = model.forward(x);
    let layerInputs: Float32Array[];
    let layerOutputs: Float32Array[];
    try {
      job.outputs.set(await readFloat(pass.output), start * width);
      layerInputs = await Promise.all(layers.map((l) => readFloat(pass.value(l.node.inputs[0]!))));
      layerOutputs = await Promise.all(layers.map((l) => readFloat(pass.value(l.node.outputs[0]!))));
    } finally {
      pass.dispose();
      if (x !== inputs) x.dispose();
    }
    for (let row = start; row < end; row++) {
      const k = row - start;
      const scale = job.scalesFor(row, job.outputs.subarray(row * width, (row + 1) * width));
      job.outputRelevance.set(scale, job.offsets[row]!);
      const relevance = await chainRow(layers, {
        targets: job.targets[row]!,
        scale,
        layerInputs: layerInputs.map((a, l) => a.subarray(k * layers[l]!.inWidth, (k + 1) * layers[l]!.inWidth)),
        layerOutputs: layerOutputs.map((a, l) => a.subarray(k * layers[l]!.outWidth, (k + 1) * layers[l]!.outWidth)),
      }, skipInactive);
      await job.deliver(row, relevance);
    }
  }
}

/** Every (row, target) pair as a row of one ordinary LRP backward pass, at most `pairBudget` pairs (but whole rows) at a time. */
async function runGeneric(job: Job, selector: RuleSelector, pairBudget: number): Promise<void> {
  const { model, inputs, rows, width, offsets, perRow } = job;
  const be = model.be;
  let start = 0;
  while (start < rows) {
    let end = start + 1;
    while (end < rows && offsets[end + 1]! - offsets[start]! <= pairBudget) end++;
    const x = start === 0 && end === rows ? inputs : sliceRows(be, inputs, start, end);
    try {
      const y = model.predict(x);
      job.outputs.set(await readFloat(y), start * width);
      y.dispose();
    } finally {
      if (x !== inputs) x.dispose();
    }
    const first = offsets[start]!;
    const rowIndex = new Int32Array(offsets[end]! - first);
    const pairTargets = new Int32Array(rowIndex.length);
    const pairScales = new Float32Array(rowIndex.length);
    for (let row = start; row < end; row++) {
      const scale = job.scalesFor(row, job.outputs.subarray(row * width, (row + 1) * width));
      job.outputRelevance.set(scale, offsets[row]!);
      rowIndex.fill(row, offsets[row]! - first, offsets[row + 1]! - first);
      pairTargets.set(job.targets[row]!, offsets[row]! - first);
      pairScales.set(scale, offsets[row]! - first);
    }
    let relevance: Float32Array = new Float32Array(0);
    if (rowIndex.length > 0) {
      const repeated = be.gather(inputs, rowIndex, 0);
      try {
        relevance = (await targetGradient(model, repeated, pairTargets, { rules: selector }, () => pairScales)).input!;
      } finally {
        repeated.dispose();
      }
    }
    for (let row = start; row < end; row++) {
      await job.deliver(row, relevance.slice((offsets[row]! - first) * perRow, (offsets[row + 1]! - first) * perRow));
    }
    start = end;
  }
}

/** The path for the request: 'auto' takes the fastest the model allows. */
function choosePath(requested: 'auto' | AllTargetsPath, chain: ChainLayer[] | string, fused: ChainDense[] | string): AllTargetsPath {
  if (requested === 'auto') return typeof fused !== 'string' ? 'fused' : typeof chain !== 'string' ? 'skip-inactive' : 'generic';
  if (requested === 'fused' && typeof fused === 'string') {
    const withForms = [...LRP_RULES.values()].filter((d) => d.hasDenseForm).map((d) => d.name);
    throw new AttributionError(`lrpAllTargets: path 'fused' needs ReLU after every hidden Dense layer and a rule with a dense form (${withForms.join(', ')}) on every Dense layer, but ${fused}; use path 'auto'`);
  }
  if ((requested === 'skip-inactive' || requested === 'dense') && typeof chain === 'string') {
    throw new AttributionError(`lrpAllTargets: path '${requested}' needs a sequential chain of Dense layers and activations with the Pass rule, but ${chain}; use path 'generic' (or 'auto')`);
  }
  return requested;
}

/** The all-targets options of their own, checked: the output relevance, the path and the compaction. */
function checkAllTargetsOptions(inputs: Tensor, options: LrpAllTargetsOptions): { requested: 'auto' | AllTargetsPath; compaction: 'auto' | Compaction } {
  checkOptions('lrpAllTargets', options, [...ALL_TARGETS_OWN_OPTIONS, ...ruleOptionNames()]);
  if (inputs.rank < 2) throw new AttributionError(`lrpAllTargets: inputs must be [batch, ...features], got shape [${inputs.shape.join(', ')}]`);
  const given = options.outputRelevance;
  if (given !== undefined && !(given instanceof Float32Array) && given !== 'logit' && given !== 'one') {
    throw new AttributionError(`lrpAllTargets: outputRelevance must be 'logit', 'one' or a Float32Array, got ${String(given)}`);
  }
  const requested = options.path ?? 'auto';
  if (!['auto', 'fused', 'skip-inactive', 'dense', 'generic'].includes(requested)) throw new AttributionError(`lrpAllTargets: path must be 'auto', 'fused', 'skip-inactive', 'dense' or 'generic', got '${String(requested)}'`);
  const compaction = options.compaction ?? 'auto';
  if (!['auto', 'host', 'backend'].includes(compaction)) throw new AttributionError(`lrpAllTargets: compaction must be 'auto', 'host' or 'backend', got '${String(compaction)}'`);
  return { requested, compaction };
}

/** The row offsets of the (row, target) pairs, checked against the rows and the output relevance given. */
function pairOffsets(targets: Int32Array[], scaleSpec: ScaleSpec, hasOnRow: boolean): { offsets: Int32Array; uniform: boolean } {
  const rows = targets.length;
  const counts = targets.map((t) => t.length);
  const uniform = counts.every((c) => c === counts[0]);
  if (!uniform && !hasOnRow) throw new AttributionError('lrpAllTargets: rows have different numbers of targets; pass onRow to receive them row by row');
  const offsets = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) offsets[r + 1] = offsets[r]! + counts[r]!;
  const pairs = offsets[rows]!;
  if (scaleSpec instanceof Float32Array && scaleSpec.length !== rows && scaleSpec.length !== pairs) {
    throw new AttributionError(`lrpAllTargets: outputRelevance has ${scaleSpec.length} values; give one per row (${rows}) or one per (row, target) pair (${pairs})`);
  }
  return { offsets, uniform };
}

type ScaleSpec = 'logit' | 'one' | Float32Array;

/** The job of one call: where each row's output relevance comes from and where its relevance goes (`values`, or onRow). */
function makeJob(model: Model, inputs: Tensor, targets: Int32Array[], offsets: Int32Array, scaleSpec: ScaleSpec, onRow: LrpAllTargetsOptions['onRow']): { job: Job; values: Float32Array | null } {
  const rows = targets.length;
  const perRow = inputs.shape.slice(1).reduce((p, d) => p * d, 1);
  const width = outputWidth(model);
  const values = onRow ? null : new Float32Array(offsets[rows]! * perRow);
  const job: Job = {
    model, inputs, rows, perRow, width, targets, offsets,
    outputs: new Float32Array(rows * width),
    outputRelevance: new Float32Array(offsets[rows]!),
    scalesFor(row, rowOutputs) {
      const list = targets[row]!;
      if (scaleSpec === 'one') return new Float32Array(list.length).fill(1);
      if (scaleSpec === 'logit') return Float32Array.from(list, (t) => rowOutputs[t]!);
      if (scaleSpec.length === rows) return new Float32Array(list.length).fill(scaleSpec[row]!);
      return scaleSpec.slice(offsets[row]!, offsets[row + 1]!);
    },
    async deliver(row, relevance) {
      if (values) values.set(relevance, offsets[row]! * perRow);
      else await onRow!(row, relevance, targets[row]!);
    },
  };
  return { job, values };
}

/** Runs the job on the chosen path; the compaction the skip-inactive path used (else null). */
async function runPath(job: Job, path: AllTargetsPath, prepared: PreparedLrp, chain: ChainLayer[] | string, fused: ChainDense[] | string, batchSize: number | undefined, compactionOption: 'auto' | Compaction): Promise<Compaction | null> {
  if (path === 'fused') {
    const outputs = await fusedChainRelevance(job.model.be, fused as ChainDense[], job.inputs, job.targets, {
      batchRows: batchSize ?? 256,
      outputRelevance: (row, rowOutputs) => {
        const scale = job.scalesFor(row, rowOutputs);
        job.outputRelevance.set(scale, job.offsets[row]!);
        return scale;
      },
      onRow: (row, relevance) => job.deliver(row, relevance),
    });
    job.outputs.set(outputs);
    return null;
  }
  if (path === 'generic') {
    await runGeneric(job, prepared.selector, Math.max(1, Math.floor(batchSize ?? 256)));
    return null;
  }
  const ready = await prepareLayers(chain as ChainLayer[], path === 'dense' ? 'none' : compactionOption);
  try {
    await runChain(job, ready.layers, Math.max(1, Math.floor(batchSize ?? 64)), path === 'skip-inactive');
  } finally {
    for (const l of ready.layers) l.dispose();
  }
  return ready.compaction;
}

/**
 * The relevance of every input for each of many outputs, per row: the same
 * values as `lrp` with each target in turn (same rules, canonization and
 * output relevance), in one pass per row.
 */
export async function lrpAllTargets(model: Model, inputs: Tensor, options: LrpAllTargetsOptions = {}): Promise<LrpAllTargetsResult> {
  const { requested, compaction: compactionOption } = checkAllTargetsOptions(inputs, options);
  const given = options.outputRelevance;
  const { outputRelevance: _given, ...ruleOptions } = options;
  const prepared = prepareLrp(model, given === undefined || given instanceof Float32Array ? ruleOptions : { ...ruleOptions, outputRelevance: given });
  // the composite's own start ('one' for gradient x input) unless told otherwise
  const scaleSpec: ScaleSpec = given ?? (prepared.params.outputRelevance as 'logit' | 'one');
  try {
    const m = prepared.model;
    const rows = inputs.shape[0]!;
    const targets = targetLists(options.targetsPerRow, rows, outputWidth(m));
    const { offsets, uniform } = pairOffsets(targets, scaleSpec, options.onRow !== undefined);
    const structure = chainStructure(m, prepared.rules);
    const chain = typeof structure === 'string' ? structure : denseChain(m, prepared.rules);
    const fused = typeof structure === 'string' ? structure : fusedChain(structure, prepared.rules);
    const path = choosePath(requested, chain, fused);
    const { job, values } = makeJob(m, inputs, targets, offsets, scaleSpec, options.onRow);
    const compaction = await runPath(job, path, prepared, chain, fused, options.batchSize, compactionOption);
    return {
      method: 'lrp-all-targets',
      values,
      shape: [rows, uniform ? (targets[0]?.length ?? 0) : -1, ...inputs.shape.slice(1)],
      targets,
      outputRelevance: job.outputRelevance,
      outputs: job.outputs,
      path,
      params: {
        ...prepared.params,
        outputRelevance: scaleSpec instanceof Float32Array ? 'custom' : scaleSpec,
        targetsPerRow: options.targetsPerRow === undefined || options.targetsPerRow === 'all' ? 'all' : 'given',
        path,
        compaction: path === 'skip-inactive' ? compaction : null,
        batchSize: options.batchSize ?? (path === 'generic' || path === 'fused' ? 256 : 64),
      },
    };
  } finally {
    prepared.dispose();
  }
}
