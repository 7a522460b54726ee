/**
 * The checks the Backend front end runs before any kernel: shapes, dtypes,
 * ranks and ownership. Errors name the kernel, the argument and the shapes.
 */
import type { Backend } from './backend.js';
import { DTypeError, ShapeError } from './errors.js';
import { formatShape, type Shape, type Tensor } from './tensor.js';

export function checkShape(kernel: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`${kernel}: invalid shape ${formatShape(shape)} (dimensions must be non-negative integers)`);
  }
}

/** A live float32 tensor of this backend. */
export function expectFloat(be: Backend, kernel: string, name: string, t: Tensor): void {
  t.assertAlive(kernel);
  if (t.backend !== be) throw new Error(`${kernel}: ${name} ${t} belongs to another backend (${t.backend.name}); move it with backend.tensor(await t.read(), t.shape)`);
  if (t.dtype !== 'float32') throw new DTypeError(`${kernel}: ${name} must be float32, got int32 ${formatShape(t.shape)}`);
}

/** A live int32 (index) tensor of this backend. */
export function expectInt(be: Backend, kernel: string, name: string, t: Tensor): void {
  t.assertAlive(kernel);
  if (t.backend !== be) throw new Error(`${kernel}: ${name} ${t} belongs to another backend (${t.backend.name})`);
  if (t.dtype !== 'int32') throw new DTypeError(`${kernel}: ${name} must be int32 (indices), got float32 ${formatShape(t.shape)}; build it with backend.tensor(Int32Array.from(...))`);
}

export function expectRank(kernel: string, name: string, t: Tensor, rank: number): void {
  if (t.rank !== rank) throw new ShapeError(`${kernel}: ${name} must have rank ${rank}, got ${formatShape(t.shape)}`);
}
