/**
 * MatMul of two computed values (attention scores Q Kᵀ and A V): numpy
 * matmul semantics for ranks 2 to 4, batch dimensions broadcast. A product
 * with a constant right operand is a Dense layer instead (see onnx/import-dense.ts).
 */
import { broadcastShapes, type Backend, type Tensor } from '@relevance/core-wasm';
import { ModelError, type OpDef } from '../op.js';

/** Output shape of a @ b (batch dims broadcast; -1 is the dynamic batch). */
export function matmulShape(a: readonly number[], b: readonly number[], node: string): number[] {
  if (a.length < 2 || b.length < 2 || a.length > 4 || b.length > 4) {
    throw new ModelError(`MatMul '${node}': operands must have rank 2 to 4, got [${a.join(', ')}] and [${b.join(', ')}]`);
  }
  if (b.length === 2 && b[0]! < 0) throw new ModelError(`MatMul '${node}': the right operand [${b.join(', ')}] is [batch, n]; contracting over the batch axis mixes rows, which is not supported`);
  const k = a[a.length - 1]!;
  const kb = b[b.length - 2]!;
  if (k !== kb && k >= 0 && kb >= 0) throw new ModelError(`MatMul '${node}': inner dimensions differ: [${a.join(', ')}] @ [${b.join(', ')}]`);
  const ba = a.slice(0, -2);
  const bb = b.slice(0, -2);
  const rank = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = ba[ba.length - rank + i] ?? 1;
    const db = bb[bb.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1 && da >= 0 && db >= 0) throw new ModelError(`MatMul '${node}': batch dimensions do not broadcast: [${a.join(', ')}] @ [${b.join(', ')}]`);
    batch.push(da === 1 ? db : da);
  }
  return [...batch, a[a.length - 2]!, b[b.length - 1]!];
}

/** op(a) @ op(b) over broadcast batch dimensions, via one batched gemm. The caller owns the result. */
export function batchedMatmul(be: Backend, a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  return be.scope(() => {
    const batch = broadcastShapes('matmul', a.shape.slice(0, -2), b.shape.slice(0, -2));
    const count = batch.reduce((p, d) => p * d, 1);
    const flat = (t: Tensor): Tensor => {
      const mat = t.shape.slice(-2);
      if (t.rank === 2) return t;
      const full = [...batch, ...mat];
      const e = t.shape.length === full.length && t.shape.every((d, i) => d === full[i]) ? t : be.expand(t, full);
      return be.reshape(e, [count, ...mat]);
    };
    // a 2-D operand is shared by every batch entry (gemm broadcasts it)
    const y = be.gemm(flat(a), flat(b), { transA, transB });
    return batch.length ? be.reshape(y, [...batch, ...y.shape.slice(-2)]) : y;
  });
}

export const MatMul: OpDef = {
  type: 'MatMul',
  arity: { min: 2, max: 2 },
  paramRoles: { required: [], optional: [] },
  inferShape: ([a, b], _attrs, _p, node) => [matmulShape(a!, b!, node)],
  forward({ be }, [a, b]) {
    return { outputs: [batchedMatmul(be, a!, b!)] };
  },
  backward({ be }, [a, b], _o, _s, [dy], need) {
    // dA = dY Bᵀ, dB = Aᵀ dY, each summed back over the batch dimensions it was broadcast along
    const da = need.inputs[0] ? be.scope(() => be.sumToShape(batchedMatmul(be, dy!, b!, false, true), a!.shape)) : null;
    const db = need.inputs[1] ? be.scope(() => be.sumToShape(batchedMatmul(be, a!, dy!, true, false), b!.shape)) : null;
    return { inputs: [da, db] };
  },
};
