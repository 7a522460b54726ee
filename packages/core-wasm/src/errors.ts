import { formatShape, type Shape } from './tensor.js';

/** A kernel was called with shapes that do not fit; the message names the kernel and the shapes. */
export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/** A kernel got an int32 tensor where it needs float32, or the reverse. */
export class DTypeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DTypeError';
  }
}

export function shapeMismatch(kernel: string, what: string, a: Shape, b: Shape, hint = ''): ShapeError {
  return new ShapeError(`${kernel}: ${what}: ${formatShape(a)} vs ${formatShape(b)}${hint ? `. ${hint}` : ''}`);
}
