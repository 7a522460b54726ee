/** The contract of one ONNX op's importer: which attributes and how many inputs it accepts, and how it emits IR nodes. */
import type { NodeAttributes } from './onnx-attributes.js';
import type { ImportContext } from './import-context.js';
import type { NodeProto } from './onnx-proto-types.js';

export interface OnnxOpImporter {
  /** Attributes understood in opsets 11 to 18; any other attribute is an error. */
  readonly attributes: readonly string[];
  /** Accepted number of inputs (optional inputs may be given as ''). */
  readonly inputs: { min: number; max: number };
  import(ctx: ImportContext, node: NodeProto, attrs: NodeAttributes): void;
}

/** The single output of a node (every supported op has one that matters). */
export function mainOutput(ctx: ImportContext, node: NodeProto): string {
  const o = node.output?.[0];
  if (!o) ctx.fail(node, 'has no output');
  return o;
}

/** Fail if any output after the first is read by another node or is a graph output. */
export function requireExtraOutputsUnused(ctx: ImportContext, node: NodeProto, what: string): void {
  for (const o of (node.output ?? []).slice(1)) {
    if (!ctx.isUnused(o)) ctx.fail(node, `its output '${o}' (${what}) is used, which is not supported; only the first output may be used`);
  }
}
