/**
 * The fused epilogue of gemmFused, applied where a tile of C is stored after
 * its last depth block: C = alpha * acc + beta * C + bias[col], then
 * optionally ReLU (x > 0 ? x : 0) and its mask (1 where x > 0, else 0, same
 * layout as C). The state is module-global, so per instance and therefore per
 * thread; gemmFused sets it on every thread and clears it when done, and the
 * drivers switch `epiOn` on for the last depth block only (earlier blocks
 * store partial sums that later blocks accumulate onto).
 */

let epiEnabled: bool = false;
export let epiOn: bool = false;
let epiC: usize = 0;
let epiLdc: usize = 1;
let epiBias: usize = 0;
let epiMask: usize = 0;
let epiRelu: bool = false;

export function setEpilogue(enabled: bool, c: usize, ldc: usize, bias: usize, mask: usize, relu: bool): void {
  epiEnabled = enabled;
  epiOn = false;
  epiC = c;
  epiLdc = ldc;
  epiBias = bias;
  epiMask = mask;
  epiRelu = relu;
}

/** Called by the drivers before storing a depth block: the epilogue runs on the last one only. */
// @ts-ignore: decorator
@inline export function epilogueFor(lastBlock: bool): void {
  epiOn = epiEnabled && lastBlock;
}

/** Store 8 finished values (r0, r1) at dst, a full row segment of one tile. */
export function storeEpilogue8(dst: usize, r0: v128, r1: v128): void {
  const off = dst - epiC;
  if (epiBias != 0) {
    const b = epiBias + ((((off >> 2) % epiLdc)) << 2);
    r0 = f32x4.add(r0, v128.load(b));
    r1 = f32x4.add(r1, v128.load(b, 16));
  }
  if (epiRelu) {
    const zero = f32x4.splat(0);
    const m0 = f32x4.gt(r0, zero);
    const m1 = f32x4.gt(r1, zero);
    if (epiMask != 0) {
      const one = f32x4.splat(1);
      v128.store(epiMask + off, v128.and(m0, one));
      v128.store(epiMask + off, v128.and(m1, one), 16);
    }
    r0 = v128.and(r0, m0);
    r1 = v128.and(r1, m1);
  }
  v128.store(dst, r0);
  v128.store(dst, r1, 16);
}

/** Store one finished value v at dst. */
export function storeEpilogue1(dst: usize, v: f32): void {
  const off = dst - epiC;
  if (epiBias != 0) v += load<f32>(epiBias + ((((off >> 2) % epiLdc)) << 2));
  if (epiRelu) {
    const on = v > 0;
    if (epiMask != 0) store<f32>(epiMask + off, on ? <f32>1 : <f32>0);
    v = on ? v : <f32>0;
  }
  store<f32>(dst, v);
}
