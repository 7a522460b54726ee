/**
 * Row-major strides and the coalescing of strided index spaces, shared by the
 * backend front end and the wasm and WebGPU strided kernels.
 */

/** Row-major (contiguous) strides of a shape, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d]!;
  }
  return strides;
}

/**
 * Drop size-1 dimensions and merge neighbouring dimensions that every operand
 * walks contiguously (stride[d] == stride[d + 1] * shape[d + 1]);
 * strides[operand][dimension]. A shape of all ones comes back with rank 0.
 */
export function coalesceDimensions(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const extent = shape[d]!;
    if (extent === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, j) => outStrides[j]![last] === s[d]! * extent);
    if (mergeable) {
      outShape[last] = outShape[last]! * extent;
      for (let j = 0; j < strides.length; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(extent);
      for (let j = 0; j < strides.length; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}
