/**
 * Canonizers rewrite a model before attribution and leave the original as it
 * was (Zennit's idea). `mergeBatchNorm` folds an inference BatchNorm into the
 * Dense or Conv2d that feeds it, so LRP rules see one linear layer:
 * W' = W * a (per output channel), b' = b * a + (beta - mean * a),
 * a = gamma / sqrt(var + eps).
 */
import type { Tensor } from '@relevance/core-wasm';
import { Model, type NodeSpec } from './model.js';
import { attrNumber } from './op.js';
import { batchNormAffine } from './ops/batchnorm.js';

export interface CanonizeReport {
  /** BatchNorm node -> the node it was merged into. */
  merged: Array<{ batchNorm: string; into: string }>;
  /** BatchNorm nodes that could not be merged, with the reason. */
  kept: Array<{ batchNorm: string; reason: string }>;
}

/** A new model with every mergeable BatchNorm folded into its producer. The original model is unchanged; dispose the new one first. */
export function mergeBatchNorm(model: Model): { model: Model; report: CanonizeReport } {
  const be = model.be;
  const producer = new Map<string, (typeof model.nodes)[number]>();
  const consumers = new Map<string, number>();
  for (const n of model.nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  }
  for (const o of model.outputs) consumers.set(o, (consumers.get(o) ?? 0) + 1);
  const report: CanonizeReport = { merged: [], kept: [] };
  const replaced = new Map<string, NodeSpec>(); // producer name -> merged spec
  const dropped = new Set<string>();
  const borrowed = new Set<Tensor>();
  for (const bn of model.nodes) {
    if (bn.type !== 'BatchNorm') continue;
    const p = producer.get(bn.inputs[0]!);
    if (!p || (p.type !== 'Dense' && p.type !== 'Conv2d')) {
      report.kept.push({ batchNorm: bn.name, reason: `its input comes from ${p ? `a ${p.type} ('${p.name}')` : 'the graph input'}, not from a Dense or Conv2d` });
      continue;
    }
    if ((consumers.get(bn.inputs[0]!) ?? 0) !== 1) {
      report.kept.push({ batchNorm: bn.name, reason: `the output of '${p.name}' is also used elsewhere` });
      continue;
    }
    const merged = be.scope(() => {
      const { a, b } = batchNormAffine(be, bn.params, attrNumber(bn.attrs, 'epsilon', 1e-5));
      const w = p.params.weight!;
      const scaleShape = w.shape.map((d, i) => (i === 0 ? d : 1));
      const weight = be.mul(w, be.reshape(a, scaleShape));
      const bias = p.params.bias ? be.add(be.mul(p.params.bias, a), b) : be.clone(b);
      return { weight, bias };
    });
    replaced.set(p.name, {
      name: p.name,
      type: p.type,
      inputs: p.inputs,
      outputs: bn.outputs,
      attrs: p.attrs,
      params: merged,
      paramNames: p.paramNames,
    });
    dropped.add(bn.name);
    report.merged.push({ batchNorm: bn.name, into: p.name });
  }
  const nodes: NodeSpec[] = [];
  for (const n of model.nodes) {
    if (dropped.has(n.name)) continue;
    const r = replaced.get(n.name);
    if (r) {
      nodes.push(r);
      continue;
    }
    for (const t of Object.values(n.params)) borrowed.add(t);
    nodes.push({ name: n.name, type: n.type, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs, params: { ...n.params }, paramNames: n.paramNames });
  }
  return { model: new Model(be, { inputs: model.inputs, outputs: model.outputs, nodes }, borrowed), report };
}
