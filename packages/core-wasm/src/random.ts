/**
 * One random generator for the whole project: Philox4x32-10 (Salmon et al., SC'11),
 * a counter-based generator. Value i of a stream is a pure function of
 * (seed, stream, i), so every backend (TypeScript, AssemblyScript, WGSL) draws
 * bit-identical uniforms, in any order and in parallel.
 *
 * Library code never calls Math.random: it takes a `Generator` (or a seed)
 * explicitly. `Generator` hands out streams for device kernels (`nextKey`) and
 * draws host-side numbers (`uniform`, `normal`, `int`, `shuffle`) from a stream
 * of its own.
 */
import type { RandomKey } from './kernels.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two u32 (exact: split into 16-bit halves). */
export function mulhi32(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const loLo = aLo * bLo;
  const hiLo = aHi * bLo;
  const loHi = aLo * bHi;
  const hiHi = aHi * bHi;
  const cross = (loLo >>> 16) + (hiLo & 0xffff) + (loHi & 0xffff);
  return (hiHi + (hiLo >>> 16) + (loHi >>> 16) + (cross >>> 16)) >>> 0;
}

/** Philox4x32-10 on counter (c0..c3) with key (k0, k1). Writes 4 u32 into `out`. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number, out: Uint32Array): void {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let key0 = k0 >>> 0, key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulhi32(M0, x0);
    const lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2);
    const lo1 = Math.imul(M1, x2) >>> 0;
    const y0 = (hi1 ^ x1 ^ key0) >>> 0;
    const y2 = (hi0 ^ x3 ^ key1) >>> 0;
    x0 = y0;
    x1 = lo1;
    x2 = y2;
    x3 = lo0;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/** u32 -> float32 uniform in [0, 1): the top 24 bits times 2^-24 (exact in float32). */
export function uniformFromBits(u: number): number {
  return (u >>> 8) * 5.960464477539063e-8;
}

const scratch = new Uint32Array(4);

/**
 * Element i of a device random tensor (the reference every backend must match).
 * uniform: a + (b - a) * U, U from word 0 (a + (b-a)*U evaluated in float32).
 * normal:  a + b * sqrt(-2 ln U1) * cos(2 pi U2), U1 = ((w0 >>> 8) + 1) * 2^-24 in (0, 1], U2 from w1.
 */
export function randomElement(i: number, kind: 'uniform' | 'normal', key: RandomKey, a: number, b: number): number {
  const lo = i >>> 0;
  const hi = Math.floor(i / 4294967296) >>> 0;
  philox4x32(lo, hi, key.streamLo, key.streamHi, key.seedLo, key.seedHi, scratch);
  if (kind === 'uniform') {
    const u = Math.fround(uniformFromBits(scratch[0]!));
    return Math.fround(Math.fround(a) + Math.fround(Math.fround(Math.fround(b) - Math.fround(a)) * u));
  }
  const u1 = ((scratch[0]! >>> 8) + 1) * 5.960464477539063e-8;
  const u2 = uniformFromBits(scratch[1]!);
  const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.fround(a + b * z);
}

function splitSeed(seed: number | bigint): [number, number] {
  if (typeof seed === 'bigint') {
    const s = BigInt.asUintN(64, seed);
    return [Number(s & 0xffffffffn), Number(s >> 32n)];
  }
  if (!Number.isFinite(seed) || !Number.isInteger(seed) || seed < 0 || seed > Number.MAX_SAFE_INTEGER) {
    throw new Error(`Generator: seed must be a non-negative integer up to 2^53 - 1 (or a bigint), got ${seed}`);
  }
  return [seed >>> 0, Math.floor(seed / 4294967296) >>> 0];
}

/** Where a generator's host stream stands (Generator.hostStream). */
export interface HostStream {
  seedLo: number;
  seedHi: number;
  counter: number;
  position: number;
  words: [number, number, number, number];
}

/**
 * A seeded source of randomness. Streams are numbered: stream 0 is this
 * generator's own host stream; `nextKey()` hands out streams 1, 2, ... for
 * device kernels; `fork()` returns a generator on a fresh seed derived from
 * this one, for independent sub-tasks (a worker, a fold, a restart).
 */
export class Generator {
  readonly seed: number | bigint;
  private readonly seedLo: number;
  private readonly seedHi: number;
  private nextStream = 1;
  private hostCounter = 0;
  private buffer = new Uint32Array(4);
  private bufferPos = 4;
  private spareNormal: number | null = null;

  constructor(seed: number | bigint) {
    this.seed = seed;
    [this.seedLo, this.seedHi] = splitSeed(seed);
  }

  /** A stream key for one device random kernel call. */
  nextKey(): RandomKey {
    const s = this.nextStream++;
    return { seedLo: this.seedLo, seedHi: this.seedHi, streamLo: s >>> 0, streamHi: Math.floor(s / 4294967296) >>> 0 };
  }

  /** Next raw u32 of the host stream (stream 0). */
  nextU32(): number {
    if (this.bufferPos === 4) {
      const c = this.hostCounter++;
      philox4x32(c >>> 0, Math.floor(c / 4294967296) >>> 0, 0, 0, this.seedLo, this.seedHi, this.buffer);
      this.bufferPos = 0;
    }
    return this.buffer[this.bufferPos++]!;
  }

  /**
   * The host stream's position, for a kernel that draws from it outside this object (the histogram tree
   * module, src/trees.ts): the seed's two words, the next block's counter, the position in the buffered
   * block and its four words. `setHostStream` puts a stream advanced elsewhere back.
   */
  hostStream(): HostStream {
    const b = this.buffer;
    return { seedLo: this.seedLo, seedHi: this.seedHi, counter: this.hostCounter, position: this.bufferPos, words: [b[0]!, b[1]!, b[2]!, b[3]!] };
  }

  /** Continue from a stream advanced elsewhere: its counter, position and buffered words (same seed). */
  setHostStream(counter: number, position: number, words: readonly number[]): void {
    this.hostCounter = counter;
    this.bufferPos = position;
    for (let k = 0; k < 4; k++) this.buffer[k] = words[k]!;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u1 = 0;
    while (u1 === 0) u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) throw new Error(`Generator.int: n must be an integer in [1, 2^32], got ${n}`);
    if (n === 1) return 0;
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.nextU32();
      if (u < limit) return u % n;
    }
  }

  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(array: T[] | Int32Array | Float32Array | Uint32Array): typeof array {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = array[i]!;
      array[i] = array[j]!;
      array[j] = t;
    }
    return array;
  }

  /** A permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** A new generator with a seed derived from this one's host stream: independent and reproducible. */
  fork(): Generator {
    const lo = this.nextU32();
    const hi = this.nextU32() & 0x1fffff; // keep within 2^53
    return new Generator(hi * 4294967296 + lo);
  }
}

/** Accept a Generator or a seed: the form every random method's options take. */
export function toGenerator(seedOrGenerator: number | bigint | Generator): Generator {
  return seedOrGenerator instanceof Generator ? seedOrGenerator : new Generator(seedOrGenerator);
}
