/**
 * Principal-component projection for t-SNE's initialisation. Covariance (or,
 * for wide data, a randomised range finder: Halko, Martinsson & Tropp 2011,
 * Algorithm 4.4 with seeded Gaussian test vectors) via the backend's GEMM,
 * eigenvectors by Jacobi on the host. Signs are fixed so that each
 * component's largest-magnitude loading is positive, so the result does not
 * depend on the backend or the rotation order.
 */
import type { Backend, Generator } from '@relevance/core-wasm';
import type { HostMatrix } from './pairwise-distances.js';
import { matrixProduct, orthonormaliseColumns, symmetricEigen } from './symmetric-eigen.js';

/** Widest data whose full covariance is decomposed; wider data use the randomised range finder. */
export const PCA_EXACT_MAX_FEATURES = 256;

/** Projection of the centred rows on the top `dims` principal components, [rows, dims] in float64. */
export async function pcaProjection(be: Backend, x: HostMatrix, dims: number, generator: Generator): Promise<Float64Array> {
  const { rows: n, cols: p } = x;
  const centred = new Float32Array(n * p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x.data[i * p + j]!;
    m /= n;
    for (let i = 0; i < n; i++) centred[i * p + j] = x.data[i * p + j]! - m;
  }
  const components = p <= PCA_EXACT_MAX_FEATURES
    ? await exactComponents(be, centred, n, p, dims)
    : await randomisedComponents(be, centred, n, p, dims, generator);
  fixSigns(components, p, dims);
  return matrixProduct(centred, p, components, dims, n, dims);
}

/** Top eigenvectors of X^T X, [p, dims]. */
async function exactComponents(be: Backend, centred: Float32Array, n: number, p: number, dims: number): Promise<Float64Array> {
  const cov = await be.asyncScope(async () => {
    const xt = be.tensor(centred, [n, p]);
    return (await be.gemm(xt, xt, { transA: true }).read()) as Float32Array;
  });
  const { vectors } = symmetricEigen(cov, p);
  const out = new Float64Array(p * dims);
  for (let j = 0; j < p; j++) for (let c = 0; c < Math.min(dims, p); c++) out[j * dims + c] = vectors[j * p + c]!;
  return out;
}

/** Randomised subspace iteration for the top right singular vectors of X, [p, dims]. */
async function randomisedComponents(be: Backend, centred: Float32Array, n: number, p: number, dims: number, generator: Generator): Promise<Float64Array> {
  const l = Math.min(p, n, dims + 8);
  const powerIterations = 7;
  return be.asyncScope(async () => {
    const xt = be.tensor(centred, [n, p]);
    let q = new Float64Array(p * l);
    for (let i = 0; i < q.length; i++) q[i] = generator.normal();
    orthonormaliseColumns(q, p, l);
    for (let it = 0; it < powerIterations; it++) {
      const qt = be.tensor(Float32Array.from(q), [p, l]);
      const y = be.gemm(xt, qt);
      const z = be.gemm(xt, y, { transA: true });
      q = Float64Array.from((await z.read()) as Float32Array);
      qt.dispose();
      y.dispose();
      z.dispose();
      orthonormaliseColumns(q, p, l);
    }
    // small problem: eigenvectors of (XQ)^T (XQ)
    const qt = be.tensor(Float32Array.from(q), [p, l]);
    const b = be.gemm(xt, qt);
    const small = (await be.gemm(b, b, { transA: true }).read()) as Float32Array;
    const { vectors } = symmetricEigen(small, l);
    return matrixProduct(q, l, vectors, l, p, dims);
  });
}

function fixSigns(components: Float64Array, p: number, dims: number): void {
  for (let c = 0; c < dims; c++) {
    let best = 0;
    for (let j = 0; j < p; j++) if (Math.abs(components[j * dims + c]!) > Math.abs(components[best * dims + c]!)) best = j;
    if (components[best * dims + c]! < 0) for (let j = 0; j < p; j++) components[j * dims + c] = -components[j * dims + c]!;
  }
}
