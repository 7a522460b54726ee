/**
 * Fused optimiser steps, in place over every parameter element (PyTorch's update rules).
 *
 * Adam / AdamW:
 *   g = grad + weightDecay * param           (Adam: L2 penalty)
 *   param *= 1 - lr * weightDecay            (AdamW: decoupled decay)
 *   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
 *   param -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * SGD:
 *   g = grad + weightDecay * param
 *   momentum != 0: velocity = momentum velocity + (1 - dampening) g; g = nesterov ? g + momentum velocity : velocity
 *   param -= lr g
 * Step-dependent scalars (bias corrections) are computed on the host in double precision.
 */
import type { AdamParams, SgdParams } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write } from './common.js';

const ADAM_PARAMS = `
  count: u32,
  decoupled: u32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  decayFactor: f32,
  stepSize: f32,
  biasCorrection2Sqrt: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,`;

const ADAM = `${declarations(ADAM_PARAMS, [write('param'), read('grad'), write('m'), write('v')])}
${elementwiseMain('params.count', `
  var p = param[i];
  var g = grad[i];
  if (params.decoupled != 0u) {
    p *= params.decayFactor;
  } else {
    g += params.weightDecay * p;
  }
  // state below the smallest normal float32 is stored as 0, as the wasm and reference kernels do
  let m0 = params.beta1 * m[i] + (1.0 - params.beta1) * g;
  let v0 = params.beta2 * v[i] + (1.0 - params.beta2) * g * g;
  let mi = select(m0, 0.0, abs(m0) < 1.17549435e-38);
  let vi = select(v0, 0.0, abs(v0) < 1.17549435e-38);
  m[i] = mi;
  v[i] = vi;
  param[i] = p - params.stepSize * mi / (sqrt(vi) / params.biasCorrection2Sqrt + params.eps);`)}`;

export function runAdamStep(ctx: GpuContext, param: Storage, grad: Storage, m: Storage, v: Storage, size: number, p: AdamParams): void {
  const biasCorrection1 = 1 - p.beta1 ** p.step;
  const biasCorrection2 = 1 - p.beta2 ** p.step;
  const params = new Params()
    .u32(size, 'element count').u32(p.decoupled ? 1 : 0)
    .f32(p.beta1).f32(p.beta2).f32(p.eps).f32(p.weightDecay)
    .f32(1 - p.lr * p.weightDecay).f32(p.lr / biasCorrection1).f32(Math.sqrt(biasCorrection2))
    .u32(0).u32(0).u32(0);
  ctx.dispatch(
    { key: 'adam-step', source: () => ADAM },
    { params, bindings: [output(param), input(grad), output(m), output(v)], workgroups: workgroupsFor(size) },
  );
}

const SGD_PARAMS = `
  count: u32,
  nesterov: u32,
  lr: f32,
  momentum: f32,
  dampening: f32,
  weightDecay: f32,
  pad0: u32,
  pad1: u32,`;

const SGD = `${declarations(SGD_PARAMS, [write('param'), read('grad'), write('velocity')])}
${elementwiseMain('params.count', `
  let p = param[i];
  var g = grad[i] + params.weightDecay * p;
  if (params.momentum != 0.0) {
    let vel0 = params.momentum * velocity[i] + (1.0 - params.dampening) * g;
    let vel = select(vel0, 0.0, abs(vel0) < 1.17549435e-38);
    velocity[i] = vel;
    if (params.nesterov != 0u) {
      g = g + params.momentum * vel;
    } else {
      g = vel;
    }
  }
  param[i] = p - params.lr * g;`)}`;

export function runSgdStep(ctx: GpuContext, param: Storage, grad: Storage, velocity: Storage, size: number, p: SgdParams): void {
  const params = new Params()
    .u32(size, 'element count').u32(p.nesterov ? 1 : 0)
    .f32(p.lr).f32(p.momentum).f32(p.dampening).f32(p.weightDecay)
    .u32(0).u32(0);
  ctx.dispatch(
    { key: 'sgd-step', source: () => SGD },
    { params, bindings: [output(param), input(grad), output(velocity)], workgroups: workgroupsFor(size) },
  );
}
