/** Errors of ONNX import and export: a ModelError whose message names the file (and the node, when there is one). */
import { ModelError } from '../model/op.js';

export class OnnxError extends ModelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = 'OnnxError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
