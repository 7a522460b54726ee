/**
 * The reference backend: plain TypeScript loops over typed arrays, written to
 * be obviously right rather than fast. It is the oracle of every parity test.
 * Accumulations use float64 and store float32.
 */
import type {
  AdamParams, AxisDims, BinaryOp, Conv2dParams, GatheredGemmEntry, GemmEpilogue, GemmParams, KernelImpl, Pool2dParams, RandomKey, ReduceOp,
  Resize2dParams, SgdParams, StridedView, UnaryOp, Window2dParams,
} from '../../kernels.js';
import { randomElement } from '../../random.js';
import type { Storage } from '../../tensor.js';

type Data = Float32Array | Int32Array;

function data(s: Storage): Data {
  return s.handle as Data;
}

function f32(s: Storage): Float32Array {
  return s.handle as Float32Array;
}

/** The cells (ih, iw) of window (oh, ow) inside the input, in row-major order, with their kernel taps (r, s). */
function windowCells(
  p: Window2dParams,
  oh: number, ow: number, visit: (ih: number, iw: number, r: number, s: number) => void,
): void {
  for (let r = 0; r < p.kH; r++) {
    const ih = oh * p.strideH - p.padTop + r * p.dilationH;
    if (ih < 0 || ih >= p.h) continue;
    for (let s = 0; s < p.kW; s++) {
      const iw = ow * p.strideW - p.padLeft + s * p.dilationW;
      if (iw < 0 || iw >= p.w) continue;
      visit(ih, iw, r, s);
    }
  }
}

/**
 * Every tap of a convolution, in the order (n, k, oh, ow, c, r, s) and
 * skipping padding: visit(output index, input index, weight index). The
 * forward pass and both backward passes accumulate over these taps in this
 * order, so each sum is taken in one fixed order.
 */
function convTaps(p: Conv2dParams, visit: (o: number, xi: number, wi: number) => void): void {
  const cinG = p.cIn / p.groups, coutG = p.cOut / p.groups;
  for (let n = 0; n < p.n; n++) {
    for (let k = 0; k < p.cOut; k++) {
      const g = Math.floor(k / coutG);
      for (let oh = 0; oh < p.outH; oh++) {
        for (let ow = 0; ow < p.outW; ow++) {
          const o = ((n * p.cOut + k) * p.outH + oh) * p.outW + ow;
          for (let c = 0; c < cinG; c++) {
            const ci = g * cinG + c;
            windowCells(p, oh, ow, (ih, iw, r, s) => visit(o, ((n * p.cIn + ci) * p.h + ih) * p.w + iw, ((k * cinG + c) * p.kH + r) * p.kW + s));
          }
        }
      }
    }
  }
}

function i32(s: Storage): Int32Array {
  return s.handle as Int32Array;
}

/** For each outer o and j < count: visit(start of row I[j] of x[o] (axis rows), start of row j of the [outer, count, inner] side). */
function forIndexedRows(d: AxisDims, count: number, I: Int32Array, visit: (axisRow: number, countRow: number) => void): void {
  for (let o = 0; o < d.outer; o++) {
    for (let j = 0; j < count; j++) visit((o * d.axis + I[j]!) * d.inner, (o * count + j) * d.inner);
  }
}

/** Visit every multi-index of `shape` in row-major order, calling fn(flatOutIndex, offsetA, offsetB, offsetC). */
function forEachIndex(shape: readonly number[], views: readonly StridedView[], fn: (i: number, offsets: number[]) => void): void {
  const rank = shape.length;
  const total = shape.reduce((p, d) => p * d, 1);
  const idx = new Array<number>(rank).fill(0);
  const offsets = views.map((v) => v.offset);
  for (let i = 0; i < total; i++) {
    fn(i, offsets);
    // increment the multi-index and the offsets
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]!++;
      for (let v = 0; v < views.length; v++) offsets[v]! += views[v]!.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      for (let v = 0; v < views.length; v++) offsets[v]! -= views[v]!.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

export function unaryValue(op: UnaryOp, x: number, p0: number, p1: number): number {
  switch (op) {
    case 'relu': return x > 0 ? x : 0;
    case 'leaky_relu': return x > 0 ? x : p0 * x;
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'exp': return Math.exp(x);
    case 'log': return Math.log(x);
    case 'abs': return Math.abs(x);
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'square': return x * x;
    case 'sqrt': return Math.sqrt(x);
    case 'clamp': return Math.min(Math.max(x, p0), p1);
    case 'positive': return x > 0 ? x : 0;
    case 'negative': return x < 0 ? x : 0;
    case 'affine': return p0 * x + p1;
    case 'reciprocal': return 1 / x;
    case 'step': return x > 0 ? 1 : 0;
  }
}

/** d f(x) / dx given x and y = f(x). */
export function unaryDerivative(op: UnaryOp, x: number, y: number, p0: number, p1: number): number {
  switch (op) {
    case 'relu': return x > 0 ? 1 : 0;
    case 'leaky_relu': return x > 0 ? 1 : p0;
    case 'sigmoid': return y * (1 - y);
    case 'tanh': return 1 - y * y;
    case 'exp': return y;
    case 'log': return 1 / x;
    case 'abs': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'sign': return 0;
    case 'square': return 2 * x;
    case 'sqrt': return 0.5 / y;
    case 'clamp': return x >= p0 && x <= p1 ? 1 : 0;
    case 'positive': return x > 0 ? 1 : 0;
    case 'negative': return x < 0 ? 1 : 0;
    case 'affine': return p0;
    case 'reciprocal': return -y * y;
    case 'step': return 0;
  }
}

export function binaryValue(op: BinaryOp, a: number, b: number, p0: number): number {
  switch (op) {
    case 'add': return a + b;
    case 'sub': return a - b;
    case 'mul': return a * b;
    case 'div': return a / b;
    case 'max': return a >= b ? a : b;
    case 'min': return a <= b ? a : b;
    case 'greater': return a > b ? 1 : 0;
    case 'stabilized_div': return a / (b + p0 * (b >= 0 ? 1 : -1));
  }
}

class ReferenceImpl implements KernelImpl {
  readonly name = 'reference' as const;

  allocate(size: number, dtype: 'float32' | 'int32'): Storage {
    return { refs: 0, size, dtype, handle: dtype === 'int32' ? new Int32Array(size) : new Float32Array(size) };
  }

  free(_storage: Storage): void {
    // garbage collected
  }

  write(storage: Storage, values: Float32Array | Int32Array): void {
    data(storage).set(values);
  }

  async read(storage: Storage): Promise<Float32Array | Int32Array> {
    return data(storage).slice();
  }

  readSync(storage: Storage): Float32Array | Int32Array {
    return data(storage).slice();
  }

  fill(out: Storage, value: number): void {
    data(out).fill(value);
  }

  async sync(): Promise<void> {}

  destroy(): void {}

  gemm(a: Storage, b: Storage, out: Storage, p: GemmParams): void {
    const A = f32(a), B = f32(b), C = f32(out);
    const { m, n, k, transA, transB, alpha, beta } = p;
    for (let t = 0; t < p.batch; t++) {
      const oa = t * p.strideA, ob = t * p.strideB, oc = t * p.strideC;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let q = 0; q < k; q++) {
            const av = transA ? A[oa + q * m + i]! : A[oa + i * k + q]!;
            const bv = transB ? B[ob + j * k + q]! : B[ob + q * n + j]!;
            acc += av * bv;
          }
          const prev = beta === 0 ? 0 : beta * C[oc + i * n + j]!;
          C[oc + i * n + j] = alpha * acc + prev;
        }
      }
    }
  }

  gemmEpilogue(a: Storage, b: Storage, out: Storage, p: GemmParams, e: GemmEpilogue): void {
    this.gemm(a, b, out, p);
    const C = f32(out), bias = e.bias ? f32(e.bias) : null, mask = e.mask ? f32(e.mask) : null;
    for (let i = 0; i < p.m; i++) {
      for (let j = 0; j < p.n; j++) {
        const at = i * p.n + j;
        const x = bias ? Math.fround(C[at]! + bias[j]!) : C[at]!;
        if (!e.relu) {
          C[at] = x;
          continue;
        }
        C[at] = x > 0 ? x : 0;
        if (mask) mask[at] = x > 0 ? 1 : 0;
      }
    }
  }

  gatheredGemm(a: Storage, w: Storage, wStride: number, rows: Storage, rowScale: Storage | null, cols: Storage, colScale: Storage | null, out: Storage, entries: readonly GatheredGemmEntry[]): void {
    const A = f32(a), W = f32(w), R = i32(rows), C = i32(cols), O = f32(out);
    const RS = rowScale ? f32(rowScale) : null, CS = colScale ? f32(colScale) : null;
    for (const e of entries) {
      for (let i = 0; i < e.m; i++) {
        for (let j = 0; j < e.n; j++) {
          const col = C[e.colsOffset + j]!;
          let acc = 0;
          for (let q = 0; q < e.k; q++) {
            const rs = RS ? RS[e.rowsOffset + q]! : 1;
            acc += A[e.aOffset + i * e.k + q]! * rs * W[R[e.rowsOffset + q]! * wStride + col]!;
          }
          O[e.outOffset + i * e.n + j] = acc * (CS ? CS[e.colsOffset + j]! : 1);
        }
      }
    }
  }

  unary(op: UnaryOp, x: Storage, out: Storage, size: number, p0: number, p1: number): void {
    const X = f32(x), O = f32(out);
    for (let i = 0; i < size; i++) O[i] = unaryValue(op, X[i]!, p0, p1);
  }

  unaryBackward(op: UnaryOp, x: Storage, y: Storage, dy: Storage, out: Storage, size: number, p0: number, p1: number): void {
    const X = f32(x), Y = f32(y), D = f32(dy), O = f32(out);
    for (let i = 0; i < size; i++) O[i] = D[i]! * unaryDerivative(op, X[i]!, Y[i]!, p0, p1);
  }

  binary(op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[], p0: number): void {
    const A = f32(a.storage), B = f32(b.storage), O = f32(out);
    forEachIndex(shape, [a, b], (i, o) => {
      O[i] = binaryValue(op, A[o[0]!]!, B[o[1]!]!, p0);
    });
  }

  where(cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void {
    const C = f32(cond.storage), A = f32(a.storage), B = f32(b.storage), O = f32(out);
    forEachIndex(shape, [cond, a, b], (i, o) => {
      O[i] = C[o[0]!] !== 0 ? A[o[1]!]! : B[o[2]!]!;
    });
  }

  copy(src: StridedView, out: StridedView, shape: readonly number[]): void {
    const S = data(src.storage), O = data(out.storage);
    forEachIndex(shape, [src, out], (_i, o) => {
      O[o[1]!] = S[o[0]!]!;
    });
  }

  reduce(op: ReduceOp, x: Storage, out: Storage, d: AxisDims): void {
    const X = f32(x), O = f32(out);
    for (let o = 0; o < d.outer; o++) {
      for (let i = 0; i < d.inner; i++) {
        const base = o * d.axis * d.inner + i;
        let acc = op === 'max' ? -Infinity : op === 'min' ? Infinity : 0;
        for (let a = 0; a < d.axis; a++) {
          const v = X[base + a * d.inner]!;
          if (op === 'max') acc = v > acc || Number.isNaN(v) ? v : acc;
          else if (op === 'min') acc = v < acc || Number.isNaN(v) ? v : acc;
          else acc += v;
        }
        O[o * d.inner + i] = op === 'mean' ? acc / d.axis : acc;
      }
    }
  }

  argmax(x: Storage, out: Storage, d: AxisDims): void {
    const X = f32(x), O = i32(out);
    for (let o = 0; o < d.outer; o++) {
      for (let i = 0; i < d.inner; i++) {
        const base = o * d.axis * d.inner + i;
        let best = 0;
        let bestValue = X[base]!;
        for (let a = 1; a < d.axis; a++) {
          const v = X[base + a * d.inner]!;
          if (v > bestValue) {
            best = a;
            bestValue = v;
          }
        }
        O[o * d.inner + i] = best;
      }
    }
  }

  softmax(x: Storage, out: Storage, d: AxisDims, log: boolean): void {
    const X = f32(x), O = f32(out);
    for (let o = 0; o < d.outer; o++) {
      for (let i = 0; i < d.inner; i++) {
        const base = o * d.axis * d.inner + i;
        let mx = -Infinity;
        for (let a = 0; a < d.axis; a++) mx = Math.max(mx, X[base + a * d.inner]!);
        let sum = 0;
        for (let a = 0; a < d.axis; a++) sum += Math.exp(X[base + a * d.inner]! - mx);
        const logSum = Math.log(sum);
        for (let a = 0; a < d.axis; a++) {
          const z = X[base + a * d.inner]! - mx;
          O[base + a * d.inner] = log ? z - logSum : Math.exp(z) / sum;
        }
      }
    }
  }

  softmaxBackward(y: Storage, dy: Storage, out: Storage, d: AxisDims, log: boolean): void {
    const Y = f32(y), D = f32(dy), O = f32(out);
    for (let o = 0; o < d.outer; o++) {
      for (let i = 0; i < d.inner; i++) {
        const base = o * d.axis * d.inner + i;
        let s = 0;
        for (let a = 0; a < d.axis; a++) {
          const at = base + a * d.inner;
          s += log ? D[at]! : D[at]! * Y[at]!;
        }
        for (let a = 0; a < d.axis; a++) {
          const at = base + a * d.inner;
          O[at] = log ? D[at]! - Math.exp(Y[at]!) * s : Y[at]! * (D[at]! - s);
        }
      }
    }
  }

  gather(x: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
    const X = data(x), O = data(out);
    forIndexedRows(d, count, i32(indices), (src, dst) => {
      for (let i = 0; i < d.inner; i++) O[dst + i] = X[src + i]!;
    });
  }

  scatterAdd(updates: Storage, indices: Storage, out: Storage, d: AxisDims, count: number): void {
    const U = f32(updates), O = f32(out);
    forIndexedRows(d, count, i32(indices), (dst, src) => {
      for (let i = 0; i < d.inner; i++) O[dst + i] = O[dst + i]! + U[src + i]!;
    });
  }

  oneHot(indices: Storage, out: Storage, d: AxisDims): void {
    const I = i32(indices), O = f32(out);
    for (let o = 0; o < d.outer; o++) {
      for (let a = 0; a < d.axis; a++) {
        for (let i = 0; i < d.inner; i++) O[(o * d.axis + a) * d.inner + i] = I[o * d.inner + i] === a ? 1 : 0;
      }
    }
  }

  conv2d(x: Storage, w: Storage, bias: Storage | null, out: Storage, p: Conv2dParams): void {
    const X = f32(x), W = f32(w), B = bias ? f32(bias) : null;
    const plane = p.outH * p.outW;
    const acc = new Float64Array(p.n * p.cOut * plane);
    if (B) for (let o = 0; o < acc.length; o++) acc[o] = B[Math.floor(o / plane) % p.cOut]!;
    convTaps(p, (o, xi, wi) => (acc[o]! += X[xi]! * W[wi]!));
    f32(out).set(acc);
  }

  conv2dBackwardInput(dy: Storage, w: Storage, out: Storage, p: Conv2dParams): void {
    const D = f32(dy), W = f32(w);
    const acc = new Float64Array(p.n * p.cIn * p.h * p.w);
    convTaps(p, (o, xi, wi) => (acc[xi]! += D[o]! * W[wi]!));
    f32(out).set(acc);
  }

  conv2dBackwardWeight(x: Storage, dy: Storage, out: Storage, p: Conv2dParams): void {
    const X = f32(x), D = f32(dy);
    const acc = new Float64Array(p.cOut * (p.cIn / p.groups) * p.kH * p.kW);
    convTaps(p, (o, xi, wi) => (acc[wi]! += D[o]! * X[xi]!));
    f32(out).set(acc);
  }

  maxPool2d(x: Storage, out: Storage, indices: Storage, p: Pool2dParams): void {
    const X = f32(x), O = f32(out), I = i32(indices);
    for (let nc = 0; nc < p.n * p.c; nc++) {
      for (let oh = 0; oh < p.outH; oh++) {
        for (let ow = 0; ow < p.outW; ow++) {
          let best = -Infinity;
          let bestIndex = -1;
          windowCells(p, oh, ow, (ih, iw) => {
            const at = (nc * p.h + ih) * p.w + iw;
            const v = X[at]!;
            if (bestIndex < 0 || v > best || Number.isNaN(v)) {
              best = v;
              bestIndex = at;
            }
          });
          const o = (nc * p.outH + oh) * p.outW + ow;
          O[o] = best;
          I[o] = bestIndex;
        }
      }
    }
  }

  maxPool2dBackward(dy: Storage, indices: Storage, out: Storage, p: Pool2dParams): void {
    const D = f32(dy), I = i32(indices);
    const acc = new Float64Array(p.n * p.c * p.h * p.w);
    const count = p.n * p.c * p.outH * p.outW;
    for (let j = 0; j < count; j++) if (I[j]! >= 0) acc[I[j]!]! += D[j]!;
    f32(out).set(acc);
  }

  /** The window [h0, h1) x [w0, w1) clipped to the input, and the divisor. */
  private avgWindow(p: Pool2dParams, oh: number, ow: number): { h0: number; h1: number; w0: number; w1: number; divisor: number } {
    let h0 = oh * p.strideH - p.padTop;
    let w0 = ow * p.strideW - p.padLeft;
    let h1 = Math.min(h0 + (p.kH - 1) * p.dilationH + 1, p.h + p.padBottom);
    let w1 = Math.min(w0 + (p.kW - 1) * p.dilationW + 1, p.w + p.padRight);
    // PyTorch: the padded-area divisor counts window cells inside the padded input
    const padded = Math.ceil((h1 - h0) / p.dilationH) * Math.ceil((w1 - w0) / p.dilationW);
    h0 = Math.max(h0, 0);
    w0 = Math.max(w0, 0);
    h1 = Math.min(h1, p.h);
    w1 = Math.min(w1, p.w);
    return { h0, h1, w0, w1, divisor: p.countIncludePad ? padded : 0 };
  }

  /** The input cells of window (oh, ow) of plane nc (row-major) and its divisor (the cell count unless padding counts). */
  private avgCells(p: Pool2dParams, nc: number, oh: number, ow: number): { cells: number[]; divisor: number } {
    const win = this.avgWindow(p, oh, ow);
    const cells: number[] = [];
    for (let ih = win.h0; ih < win.h1; ih++) {
      if ((ih - (oh * p.strideH - p.padTop)) % p.dilationH !== 0) continue;
      for (let iw = win.w0; iw < win.w1; iw++) {
        if ((iw - (ow * p.strideW - p.padLeft)) % p.dilationW !== 0) continue;
        cells.push((nc * p.h + ih) * p.w + iw);
      }
    }
    return { cells, divisor: p.countIncludePad ? win.divisor : cells.length };
  }

  avgPool2d(x: Storage, out: Storage, p: Pool2dParams): void {
    const X = f32(x), O = f32(out);
    for (let nc = 0; nc < p.n * p.c; nc++) {
      for (let oh = 0; oh < p.outH; oh++) {
        for (let ow = 0; ow < p.outW; ow++) {
          const { cells, divisor } = this.avgCells(p, nc, oh, ow);
          let acc = 0;
          for (const c of cells) acc += X[c]!;
          O[(nc * p.outH + oh) * p.outW + ow] = divisor > 0 ? acc / divisor : 0;
        }
      }
    }
  }

  avgPool2dBackward(dy: Storage, out: Storage, p: Pool2dParams): void {
    const D = f32(dy);
    const acc = new Float64Array(p.n * p.c * p.h * p.w);
    for (let nc = 0; nc < p.n * p.c; nc++) {
      for (let oh = 0; oh < p.outH; oh++) {
        for (let ow = 0; ow < p.outW; ow++) {
          const { cells, divisor } = this.avgCells(p, nc, oh, ow);
          if (divisor === 0) continue;
          const g = D[(nc * p.outH + oh) * p.outW + ow]! / divisor;
          for (const c of cells) acc[c]! += g;
        }
      }
    }
    f32(out).set(acc);
  }

  /** Source coordinate and interpolation taps for one output position along one axis. */
  private taps(dst: number, inLen: number, outLen: number, p: Resize2dParams): Array<[number, number]> {
    if (p.mode === 'nearest') {
      return [[Math.min(Math.floor(dst * (inLen / outLen)), inLen - 1), 1]];
    }
    let src: number;
    if (p.alignCorners) src = outLen > 1 ? dst * ((inLen - 1) / (outLen - 1)) : 0;
    else src = Math.max((dst + 0.5) * (inLen / outLen) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inLen - 1);
    const i1 = Math.min(i0 + 1, inLen - 1);
    const frac = src - i0;
    return [[i0, 1 - frac], [i1, frac]];
  }

  resize2d(x: Storage, out: Storage, p: Resize2dParams): void {
    const X = f32(x), O = f32(out);
    for (let nc = 0; nc < p.n * p.c; nc++) {
      for (let oh = 0; oh < p.outH; oh++) {
        const th = this.taps(oh, p.h, p.outH, p);
        for (let ow = 0; ow < p.outW; ow++) {
          const tw = this.taps(ow, p.w, p.outW, p);
          let acc = 0;
          for (const [ih, wh] of th) for (const [iw, ww] of tw) acc += wh * ww * X[(nc * p.h + ih) * p.w + iw]!;
          O[(nc * p.outH + oh) * p.outW + ow] = acc;
        }
      }
    }
  }

  resize2dBackward(dy: Storage, out: Storage, p: Resize2dParams): void {
    const D = f32(dy);
    const acc = new Float64Array(p.n * p.c * p.h * p.w);
    for (let nc = 0; nc < p.n * p.c; nc++) {
      for (let oh = 0; oh < p.outH; oh++) {
        const th = this.taps(oh, p.h, p.outH, p);
        for (let ow = 0; ow < p.outW; ow++) {
          const tw = this.taps(ow, p.w, p.outW, p);
          const g = D[(nc * p.outH + oh) * p.outW + ow]!;
          for (const [ih, wh] of th) for (const [iw, ww] of tw) acc[(nc * p.h + ih) * p.w + iw]! += wh * ww * g;
        }
      }
    }
    f32(out).set(acc);
  }

  random(out: Storage, size: number, kind: 'uniform' | 'normal', key: RandomKey, a: number, b: number): void {
    const O = f32(out);
    for (let i = 0; i < size; i++) O[i] = randomElement(i, kind, key, a, b);
  }

  adamStep(param: Storage, grad: Storage, m: Storage, v: Storage, size: number, p: AdamParams): void {
    const P = f32(param), G = f32(grad), M = f32(m), V = f32(v);
    const c1 = 1 - Math.pow(p.beta1, p.step);
    const c2 = 1 - Math.pow(p.beta2, p.step);
    for (let i = 0; i < size; i++) {
      let g = G[i]!;
      let w = P[i]!;
      if (p.decoupled) w *= 1 - p.lr * p.weightDecay;
      else g += p.weightDecay * w;
      const mi = flushSubnormal(p.beta1 * M[i]! + (1 - p.beta1) * g);
      const vi = flushSubnormal(p.beta2 * V[i]! + (1 - p.beta2) * g * g);
      M[i] = mi;
      V[i] = vi;
      P[i] = w - (p.lr * (mi / c1)) / (Math.sqrt(vi / c2) + p.eps);
    }
  }

  sgdStep(param: Storage, grad: Storage, velocity: Storage, size: number, p: SgdParams): void {
    const P = f32(param), G = f32(grad), B = f32(velocity);
    for (let i = 0; i < size; i++) {
      let g = G[i]! + p.weightDecay * P[i]!;
      if (p.momentum !== 0) {
        const b = flushSubnormal(p.momentum * B[i]! + (1 - p.dampening) * g);
        B[i] = b;
        g = p.nesterov ? g + p.momentum * b : b;
      }
      P[i] = P[i]! - p.lr * g;
    }
  }
}

export function createReferenceImpl(): KernelImpl {
  return new ReferenceImpl();
}

/** Optimiser state below the smallest normal float32 is stored as 0, as the wasm kernels do (assembly/optim.ts). */
function flushSubnormal(x: number): number {
  return Math.abs(Math.fround(x)) < 1.1754943508222875e-38 ? 0 : x;
}
