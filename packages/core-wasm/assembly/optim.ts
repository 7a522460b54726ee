/**
 * Fused optimiser steps, in place, float32 SIMD, following PyTorch's
 * single-tensor implementations (torch/optim/adam.py, adamw.py, sgd.py).
 *
 * One deliberate difference: optimiser state (Adam's m and v, SGD's momentum
 * buffer) below the smallest normal float32 (2^-126) is stored as 0. A unit
 * whose gradient stays 0 (a dead ReLU's weights) has m decay by beta1 every
 * step into the subnormal range, where x86 arithmetic takes a microcode assist
 * per operation and WebAssembly cannot flush to zero: training the paper's
 * 1470 x 3 predictor slowed from 1.6 to 6 s per epoch. The update such a value
 * would make is below 2^-126 * lr / eps.
 */

/** x with every lane below the smallest normal float32 in magnitude set to 0. */
// @ts-ignore: decorator
@inline function flushSubnormal(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), f32x4.splat(1.17549435e-38)));
}

/**
 * Adam / AdamW. PyTorch order of operations:
 *   Adam:  g += wd * p          AdamW: p *= 1 - lr * wd
 *   m = lerp(m, g, 1 - beta1)   v = beta2 * v + (1 - beta2) * g * g
 *   p -= (lr / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 */
export function adamStep(
  param: usize, grad: usize, m: usize, v: usize, size: i32,
  lr: f64, beta1: f64, beta2: f64, eps: f64, weightDecay: f64, decoupled: i32, step: f64,
): void {
  const stepSize = <f32>(lr / (1 - Math.pow(beta1, step)));
  const correction2Sqrt = <f32>Math.sqrt(1 - Math.pow(beta2, step));
  const vWd = f32x4.splat(<f32>weightDecay);
  const vDecay = f32x4.splat(<f32>(1 - lr * weightDecay));
  const vOneMinusB1 = f32x4.splat(<f32>(1 - beta1));
  const vB2 = f32x4.splat(<f32>beta2);
  const vOneMinusB2 = f32x4.splat(<f32>(1 - beta2));
  const vC2 = f32x4.splat(correction2Sqrt);
  const vEps = f32x4.splat(<f32>eps);
  const vStep = f32x4.splat(stepSize);
  const l2 = decoupled == 0 && weightDecay != 0;
  const decay = decoupled != 0 && weightDecay != 0;
  let i = 0;
  // The tail runs the same lane arithmetic on single-lane loads.
  while (i < size) {
    const full = i + 4 <= size;
    const at = <usize>i << 2;
    let p = full ? v128.load(param + at) : v128.load32_zero(param + at);
    let g = full ? v128.load(grad + at) : v128.load32_zero(grad + at);
    let mv = full ? v128.load(m + at) : v128.load32_zero(m + at);
    let vv = full ? v128.load(v + at) : v128.load32_zero(v + at);
    if (l2) g = f32x4.add(g, f32x4.mul(p, vWd));
    if (decay) p = f32x4.mul(p, vDecay);
    mv = f32x4.add(mv, f32x4.mul(vOneMinusB1, f32x4.sub(g, mv)));
    vv = f32x4.add(f32x4.mul(vv, vB2), f32x4.mul(f32x4.mul(g, g), vOneMinusB2));
    mv = flushSubnormal(mv);
    vv = flushSubnormal(vv);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vv), vC2), vEps);
    p = f32x4.sub(p, f32x4.mul(vStep, f32x4.div(mv, denom)));
    if (full) {
      v128.store(param + at, p);
      v128.store(m + at, mv);
      v128.store(v + at, vv);
      i += 4;
    } else {
      store<f32>(param + at, f32x4.extract_lane(p, 0));
      store<f32>(m + at, f32x4.extract_lane(mv, 0));
      store<f32>(v + at, f32x4.extract_lane(vv, 0));
      i += 1;
    }
  }
}

/**
 * SGD (PyTorch): g = grad + wd * p; with momentum: buf = momentum * buf + (1 - dampening) * g
 * (buf starts at zero, so the first step equals PyTorch's buf = g when dampening = 0),
 * g = nesterov ? g + momentum * buf : buf; p -= lr * g.
 */
export function sgdStep(
  param: usize, grad: usize, velocity: usize, size: i32,
  lr: f64, momentum: f64, nesterov: i32, weightDecay: f64, dampening: f64,
): void {
  const vLr = f32x4.splat(<f32>lr);
  const vMomentum = f32x4.splat(<f32>momentum);
  const vDamp = f32x4.splat(<f32>(1 - dampening));
  const vWd = f32x4.splat(<f32>weightDecay);
  const useMomentum = momentum != 0;
  const useWd = weightDecay != 0;
  let i = 0;
  while (i < size) {
    const full = i + 4 <= size;
    const at = <usize>i << 2;
    const p = full ? v128.load(param + at) : v128.load32_zero(param + at);
    let g = full ? v128.load(grad + at) : v128.load32_zero(grad + at);
    if (useWd) g = f32x4.add(g, f32x4.mul(p, vWd));
    let buf = f32x4.splat(0);
    if (useMomentum) {
      buf = full ? v128.load(velocity + at) : v128.load32_zero(velocity + at);
      buf = flushSubnormal(f32x4.add(f32x4.mul(buf, vMomentum), f32x4.mul(g, vDamp)));
      g = nesterov != 0 ? f32x4.add(g, f32x4.mul(buf, vMomentum)) : buf;
    }
    const np = f32x4.sub(p, f32x4.mul(g, vLr));
    if (full) {
      v128.store(param + at, np);
      if (useMomentum) v128.store(velocity + at, buf);
      i += 4;
    } else {
      store<f32>(param + at, f32x4.extract_lane(np, 0));
      if (useMomentum) store<f32>(velocity + at, f32x4.extract_lane(buf, 0));
      i += 1;
    }
  }
}
