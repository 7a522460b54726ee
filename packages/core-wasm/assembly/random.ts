/**
 * Philox4x32-10 (Salmon et al., SC'11), four counters per f32x4 lane group,
 * bit-identical to src/random.ts: element i draws counter (i, 0, streamLo,
 * streamHi) with key (seedLo, seedHi).
 * uniform: a + (b - a) * U, U = (w0 >>> 8) * 2^-24, all in float32.
 * normal:  a + b * sqrt(-2 ln U1) * cos(2 pi U2) in float64, rounded once;
 *          U1 = ((w0 >>> 8) + 1) * 2^-24, U2 = (w1 >>> 8) * 2^-24.
 */

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;
const TWO_POW_MINUS_24: f32 = 5.960464477539063e-8;

/** High 32 bits of each lane's 64-bit product a * m (unsigned). */
// @ts-ignore: decorator
@inline function mulhi(a: v128, m: v128): v128 {
  return v128.shuffle<i32>(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 1, 3, 5, 7);
}

// Output words of the last philox() call (module globals are per instance, so per thread).
let word0: v128 = i32x4.splat(0);
let word1: v128 = i32x4.splat(0);
let word2: v128 = i32x4.splat(0);
let word3: v128 = i32x4.splat(0);

/** Ten Philox rounds on four counters at once; results in word0..word3. */
function philox(c0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32): void {
  const m0 = i32x4.splat(M0);
  const m1 = i32x4.splat(M1);
  let x0 = c0, x1 = c1, x2 = c2, x3 = c3;
  let key0 = k0, key1 = k1;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi(x0, m0);
    const lo0 = i32x4.mul(x0, m0);
    const hi1 = mulhi(x2, m1);
    const lo1 = i32x4.mul(x2, m1);
    x0 = v128.xor(v128.xor(hi1, x1), i32x4.splat(key0));
    x2 = v128.xor(v128.xor(hi0, x3), i32x4.splat(key1));
    x1 = lo1;
    x3 = lo0;
    key0 += W0;
    key1 += W1;
  }
  word0 = x0;
  word1 = x1;
  word2 = x2;
  word3 = x3;
}

/**
 * Four consecutive Philox4x32-10 blocks, counters (c + k, 0, 0) for k = 0..3 with the 64-bit counter c =
 * (cHi, cLo): block k's four u32 words to out + 16 k (one SIMD pass for what four philoxBlock calls give).
 */
export function philoxBlocks4(cLo: u32, cHi: u32, k0: u32, k1: u32, out: usize): void {
  let lo = i32x4.splat(0), hi = i32x4.splat(0);
  const c = (<u64>cHi << 32) | <u64>cLo;
  lo = i32x4.replace_lane(lo, 0, <i32>c); hi = i32x4.replace_lane(hi, 0, <i32>(c >> 32));
  lo = i32x4.replace_lane(lo, 1, <i32>(c + 1)); hi = i32x4.replace_lane(hi, 1, <i32>((c + 1) >> 32));
  lo = i32x4.replace_lane(lo, 2, <i32>(c + 2)); hi = i32x4.replace_lane(hi, 2, <i32>((c + 2) >> 32));
  lo = i32x4.replace_lane(lo, 3, <i32>(c + 3)); hi = i32x4.replace_lane(hi, 3, <i32>((c + 3) >> 32));
  const zero = i32x4.splat(0);
  philox(lo, hi, zero, zero, k0, k1);
  // transpose: word j of block k is lane k of word j
  const a = v128.shuffle<i32>(word0, word1, 0, 4, 1, 5), b = v128.shuffle<i32>(word2, word3, 0, 4, 1, 5);
  const d = v128.shuffle<i32>(word0, word1, 2, 6, 3, 7), e = v128.shuffle<i32>(word2, word3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<i64>(a, b, 0, 2));
  v128.store(out, v128.shuffle<i64>(a, b, 1, 3), 16);
  v128.store(out, v128.shuffle<i64>(d, e, 0, 2), 32);
  v128.store(out, v128.shuffle<i64>(d, e, 1, 3), 48);
}

/** One Philox4x32-10 block (for test vectors): 4 u32 words to out. */
export function philoxBlock(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, out: usize): void {
  philox(i32x4.splat(c0), i32x4.splat(c1), i32x4.splat(c2), i32x4.splat(c3), k0, k1);
  store<u32>(out, i32x4.extract_lane(word0, 0));
  store<u32>(out, i32x4.extract_lane(word1, 0), 4);
  store<u32>(out, i32x4.extract_lane(word2, 0), 8);
  store<u32>(out, i32x4.extract_lane(word3, 0), 12);
}

// @ts-ignore: decorator
@inline function normalFromWords(w0: u32, w1: u32, a: f64, b: f64): f32 {
  const u1 = <f64>((w0 >>> 8) + 1) * 5.960464477539063e-8;
  const u2 = <f64>(w1 >>> 8) * 5.960464477539063e-8;
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return <f32>(a + b * z);
}

/**
 * out[i - start] ... : elements [start, end) of the stream into out + start.
 * kind 0 = uniform in [a, b), 1 = normal(mean a, std b).
 */
export function random(out: usize, start: i32, end: i32, kind: i32, seedLo: u32, seedHi: u32, streamLo: u32, streamHi: u32, a: f64, b: f64): void {
  const zero = i32x4.splat(0);
  const s0 = i32x4.splat(streamLo);
  const s1 = i32x4.splat(streamHi);
  const fa = f32x4.splat(<f32>a);
  const span = f32x4.sub(f32x4.splat(<f32>b), fa);
  const scale = f32x4.splat(TWO_POW_MINUS_24);
  for (let i = start; i < end; i += 4) {
    const counters = i32x4.add(i32x4.splat(i), i32x4(0, 1, 2, 3));
    philox(counters, zero, s0, s1, seedLo, seedHi);
    const count = min(4, end - i);
    const dst = out + (<usize>i << 2);
    if (kind == 0) {
      const u = f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(word0, 8)), scale);
      const v = f32x4.add(fa, f32x4.mul(span, u));
      if (count == 4) {
        v128.store(dst, v);
      } else {
        store<f32>(dst, f32x4.extract_lane(v, 0));
        if (count > 1) store<f32>(dst, f32x4.extract_lane(v, 1), 4);
        if (count > 2) store<f32>(dst, f32x4.extract_lane(v, 2), 8);
      }
    } else {
      store<f32>(dst, normalFromWords(i32x4.extract_lane(word0, 0), i32x4.extract_lane(word1, 0), a, b));
      if (count > 1) store<f32>(dst, normalFromWords(i32x4.extract_lane(word0, 1), i32x4.extract_lane(word1, 1), a, b), 4);
      if (count > 2) store<f32>(dst, normalFromWords(i32x4.extract_lane(word0, 2), i32x4.extract_lane(word1, 2), a, b), 8);
      if (count > 3) store<f32>(dst, normalFromWords(i32x4.extract_lane(word0, 3), i32x4.extract_lane(word1, 3), a, b), 12);
    }
  }
}
