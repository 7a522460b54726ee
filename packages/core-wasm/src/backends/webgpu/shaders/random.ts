/**
 * Philox4x32-10 random tensors, bit-identical to src/random.ts for uniforms.
 *
 * Element i draws from counter (i mod 2^32, i / 2^32, streamLo, streamHi) with
 * key (seedLo, seedHi). WGSL has no 64-bit integers, so the high half of each
 * 32 x 32-bit product is built from 16-bit halves exactly as `mulhi32` does.
 *
 * uniform: a + (b - a) * U with U = (w0 >> 8) * 2^-24, each operation rounded
 * to float32 like the reference. A compiler may fuse the multiply and the add
 * into one fma (one rounding instead of two), which would break bit-equality;
 * routing the product through an integer XOR with a runtime zero (`opaqueZero`)
 * forces it to be rounded on its own.
 * normal: a + b * sqrt(-2 ln U1) * cos(2 pi U2), U1 = ((w0 >> 8) + 1) * 2^-24,
 * U2 from w1, in float32 (equal to the reference to transcendental accuracy).
 */
import type { RandomKey } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, output, workgroupsFor, write } from './common.js';

const PARAMS = `
  count: u32,
  indexHigh: u32,
  seedLo: u32,
  seedHi: u32,
  streamLo: u32,
  streamHi: u32,
  a: f32,
  b: f32,
  opaqueZero: u32,
  pad0: u32,
  pad1: u32,
  pad2: u32,`;

/** WGSL: `philox(counter, key)` and its `mulhi` helper (exported for the test vectors). */
export const PHILOX_WGSL = `
fn mulhi(a: u32, b: u32) -> u32 {
  let aLo = a & 0xffffu;
  let aHi = a >> 16u;
  let bLo = b & 0xffffu;
  let bHi = b >> 16u;
  let loLo = aLo * bLo;
  let hiLo = aHi * bLo;
  let loHi = aLo * bHi;
  let hiHi = aHi * bHi;
  let cross = (loLo >> 16u) + (hiLo & 0xffffu) + (loHi & 0xffffu);
  return hiHi + (hiLo >> 16u) + (loHi >> 16u) + (cross >> 16u);
}

fn philox(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var x = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = mulhi(0xd2511f53u, x.x);
    let lo0 = 0xd2511f53u * x.x;
    let hi1 = mulhi(0xcd9e8d57u, x.z);
    let lo1 = 0xcd9e8d57u * x.z;
    x = vec4<u32>(hi1 ^ x.y ^ k.x, lo1, hi0 ^ x.w ^ k.y, lo0);
    k += vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return x;
}

// ln(u) for u in (0, 1], to about 1 ulp on any device (WGSL only promises an absolute error
// of 2^-21 near 1, and -2 ln u of a u near 1 needs relative accuracy). u = m 2^e with
// m in [sqrt(1/2), sqrt(2)); ln m = 2 atanh(s), s = (m - 1) / (m + 1), |s| < 0.172.
fn logUnit(u: f32) -> f32 {
  let bits = bitcast<u32>(u);
  var e = i32(bits >> 23u) - 127;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356) {
    m = m * 0.5;
    e = e + 1;
  }
  let s = (m - 1.0) / (m + 1.0);
  let s2 = s * s;
  let series = s2 * (1.0 / 3.0 + s2 * (0.2 + s2 * (1.0 / 7.0 + s2 * (1.0 / 9.0 + s2 * (1.0 / 11.0)))));
  return f32(e) * 0.6931471805599453 + 2.0 * (s + s * series);
}

// cos(2 pi turns) for turns in [0, 1), by quadrant and short Taylor series on [-pi/4, pi/4]
// (WGSL's cos only promises an absolute error of 2^-11).
fn cosTurns(turns: f32) -> f32 {
  let quarter = turns * 4.0;
  let q = round(quarter);
  let x = (quarter - q) * 1.5707963267948966;
  let x2 = x * x;
  let c = 1.0 - x2 * (0.5 - x2 * (1.0 / 24.0 - x2 * (1.0 / 720.0 - x2 * (1.0 / 40320.0))));
  let sn = x * (1.0 - x2 * (1.0 / 6.0 - x2 * (1.0 / 120.0 - x2 * (1.0 / 5040.0 - x2 * (1.0 / 362880.0)))));
  switch (u32(q) & 3u) {
    case 0u: { return c; }
    case 1u: { return -sn; }
    case 2u: { return -c; }
    default: { return sn; }
  }
}`;

function randomSource(kind: 'uniform' | 'normal'): string {
  const value = kind === 'uniform'
    ? `
  let u = f32(bits.x >> 8u) * 5.960464477539063e-8;
  let scaled = bitcast<f32>(bitcast<u32>((params.b - params.a) * u) ^ params.opaqueZero);
  out[i] = params.a + scaled;`
    : `
  let u1 = f32((bits.x >> 8u) + 1u) * 5.960464477539063e-8;
  let u2 = f32(bits.y >> 8u) * 5.960464477539063e-8;
  let z = sqrt(-2.0 * logUnit(u1)) * cosTurns(u2);
  out[i] = params.a + params.b * z;`;
  return `${declarations(PARAMS, [write('out')])}
${PHILOX_WGSL}
${elementwiseMain('params.count', `
  let index = i;
  let bits = philox(vec4<u32>(index, params.indexHigh, params.streamLo, params.streamHi), vec2<u32>(params.seedLo, params.seedHi));${value}`)}`;
}

/** Elements per dispatch: the counter's low word must not wrap inside one dispatch. */
const MAX_CHUNK = 2 ** 28;

export function runRandom(ctx: GpuContext, out: Storage, size: number, kind: 'uniform' | 'normal', key: RandomKey, a: number, b: number): void {
  if (size > MAX_CHUNK) throw new RangeError(`webgpu backend: random tensors are limited to ${MAX_CHUNK} elements per call, got ${size}`);
  const params = new Params()
    .u32(size, 'element count').u32(0)
    .u32(key.seedLo >>> 0).u32(key.seedHi >>> 0).u32(key.streamLo >>> 0).u32(key.streamHi >>> 0)
    .f32(a).f32(b).u32(0).u32(0).u32(0).u32(0);
  ctx.dispatch({ key: `random:${kind}`, source: () => randomSource(kind) }, { params, bindings: [output(out)], workgroups: workgroupsFor(size) });
}
