/**
 * The fused GEMM epilogue (bias, ReLU, ReLU mask): the front end's composed
 * path, taken on a backend without `gemmEpilogue` (WebGPU today), gives the
 * same bits as the reference backend's fused kernel, and bad operands are
 * rejected with the shapes named.
 */
import { describe, expect, it } from 'vitest';
import { Backend } from '../../src/index.js';
import { createReferenceImpl } from '../../src/backends/reference/index.js';
import { values } from '../parity/cases.js';

const fused = new Backend(createReferenceImpl(), 1);
const plainImpl = createReferenceImpl();
const composed = new Backend(Object.assign(Object.create(plainImpl) as typeof plainImpl, { gemmEpilogue: undefined }), 1);

function run(be: Backend, m: number, n: number, k: number): Float32Array[] {
  return be.scope(() => {
    const a = be.tensor(values(m * k, 1), [m, k]);
    const w = be.tensor(values(n * k, 2), [n, k]);
    const bias = be.tensor(values(n, 3), [n]);
    const plain = be.gemm(a, w, { transB: true, bias });
    const { y, mask } = be.gemmReluMask(a, w, { transB: true, bias });
    return [plain.readSync(), y.readSync(), mask.readSync()] as Float32Array[];
  });
}

describe('gemm epilogue', () => {
  for (const [m, n, k] of [[7, 13, 9], [1, 5, 300], [4, 3, 0]] as const) {
    it(`composed and fused agree bit for bit: m=${m} n=${n} k=${k}`, () => {
      const want = run(fused, m, n, k);
      const got = run(composed, m, n, k);
      for (let o = 0; o < want.length; o++) expect(Array.from(got[o]!), `output ${o}`).toEqual(Array.from(want[o]!));
      // the mask is where the ReLU passed its input through
      const [pre, y, mask] = want;
      for (let i = 0; i < pre!.length; i++) {
        expect(mask![i]).toBe(pre![i]! > 0 ? 1 : 0);
        expect(y![i]).toBe(pre![i]! > 0 ? pre![i] : 0);
      }
      expect(fused.memory().tensors).toBe(0);
      expect(composed.memory().tensors).toBe(0);
    });
  }

  it('rejects a bias of the wrong length and batched operands', () => {
    fused.scope(() => {
      const a = fused.tensor(values(6, 1), [2, 3]);
      expect(() => fused.gemm(a, a, { transB: true, bias: fused.tensor(values(3, 2), [3]) })).toThrow(/bias needs 2 entries/);
      const batch = fused.tensor(values(12, 1), [2, 2, 3]);
      expect(() => fused.gemm(batch, a, { transB: true, relu: true })).toThrow(/matrix operands/);
    });
  });
});
