/**
 * Strided elementwise kernels: binary ops, where, and the general copy
 * (permute, slice, concat, expand). The host coalesces dimensions first
 * (strided-layout.ts); the shader walks up to MAX_RANK dimensions, with the
 * output and up to three inputs each at its own offset and strides.
 * Copies move raw 32-bit words, so they serve float32 and int32 alike.
 */
import type { BinaryOp, StridedView } from '../../../kernels.js';
import type { Storage } from '../../../tensor.js';
import { contiguousStrides } from '../../../strides.js';
import type { BufferBinding, GpuContext } from '../device.js';
import { Params } from '../params.js';
import { coalesce, splitToRank, type StridedOperandLayout } from '../strided-layout.js';
import { declarations, elementwiseMain, input, output, read, workgroupsFor, write, type WgslScalar } from './common.js';

/** Dimensions the shader walks; higher ranks (after coalescing) are split on the host. */
export const MAX_RANK = 8;

/** Operand slots: 0 is the output, 1-3 the inputs; `strides[d]` holds dimension d's stride of every slot. */
const PARAMS = `
  count: u32,
  rank: u32,
  p0: f32,
  pad: u32,
  shape: array<vec4<u32>, ${MAX_RANK / 4}>,
  offsets: vec4<i32>,
  strides: array<vec4<i32>, ${MAX_RANK}>,`;

const BINARY: Record<BinaryOp, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  max: 'max(a, b)',
  min: 'min(a, b)',
  greater: 'select(0.0, 1.0, a > b)',
  // sign0(b) = +1 at b == 0
  stabilized_div: 'a / (b + params.p0 * select(-1.0, 1.0, b >= 0.0))',
};

/** WGSL: `at` = the element offsets of all four slots for linear index i. */
const WALK = `
  var at = params.offsets;
  var rest = i;
  for (var d = params.rank; d > 0u; d--) {
    let dim = d - 1u;
    let extent = params.shape[dim >> 2u][dim & 3u];
    at += i32(rest % extent) * params.strides[dim];
    rest = rest / extent;
  }`;

function stridedSource(inputs: readonly string[], type: WgslScalar, expression: string): string {
  const slots = ['y', 'z', 'w'];
  const loads = inputs.map((name, k) => `  let ${name} = ${name}Data[at.${slots[k]}];`).join('\n');
  return `${declarations(PARAMS, [...inputs.map((name) => read(`${name}Data`, type)), write('out', type)])}
${elementwiseMain('params.count', `${WALK}
${loads}
  out[at.x] = ${expression};`)}`;
}

function runStrided(
  ctx: GpuContext, key: string, source: () => string, out: StridedView, inputs: readonly StridedView[],
  shape: readonly number[], p0: number,
): void {
  const views = [out, ...inputs];
  const layout = coalesce(shape, views.map((v): StridedOperandLayout => ({ offset: v.offset, strides: v.strides })));
  const bindings: BufferBinding[] = [...inputs.map((v) => input(v.storage)), output(out.storage)];
  for (const piece of splitToRank(layout, MAX_RANK)) {
    const count = piece.shape.reduce((p, d) => p * d, 1);
    const rank = piece.shape.length;
    const strides: number[] = [];
    for (let d = 0; d < MAX_RANK; d++) {
      for (let slot = 0; slot < 4; slot++) strides.push(d < rank ? piece.operands[slot]?.strides[d] ?? 0 : 0);
    }
    const params = new Params()
      .u32(count, 'element count')
      .u32(rank)
      .f32(p0)
      .u32(0)
      .u32x4s(piece.shape, MAX_RANK)
      .i32x4s([0, 1, 2, 3].map((slot) => piece.operands[slot]?.offset ?? 0), 4)
      .i32x4s(strides, MAX_RANK * 4);
    ctx.dispatch({ key, source }, { params, bindings, workgroups: workgroupsFor(count) });
  }
}

export function runBinary(ctx: GpuContext, op: BinaryOp, a: StridedView, b: StridedView, out: Storage, shape: readonly number[], p0: number): void {
  runStrided(ctx, `binary:${op}`, () => stridedSource(['a', 'b'], 'f32', BINARY[op]), { storage: out, offset: 0, strides: contiguousStrides(shape) }, [a, b], shape, p0);
}

export function runWhere(ctx: GpuContext, cond: StridedView, a: StridedView, b: StridedView, out: Storage, shape: readonly number[]): void {
  runStrided(ctx, 'where', () => stridedSource(['c', 'a', 'b'], 'f32', 'select(b, a, c != 0.0)'), { storage: out, offset: 0, strides: contiguousStrides(shape) }, [cond, a, b], shape, 0);
}

export function runCopy(ctx: GpuContext, src: StridedView, out: StridedView, shape: readonly number[]): void {
  runStrided(ctx, 'copy', () => stridedSource(['v'], 'u32', 'v'), out, [src], shape, 0);
}
