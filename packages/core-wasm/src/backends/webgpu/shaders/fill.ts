/**
 * Filling a buffer with one value. Zero uses the encoder's clearBuffer; other
 * values write their 32-bit pattern, so one kernel fills float32 and int32.
 */
import type { Storage } from '../../../tensor.js';
import type { GpuContext } from '../device.js';
import { Params } from '../params.js';
import { declarations, elementwiseMain, gpuBuffer, output, workgroupsFor, write } from './common.js';

const FILL = `${declarations(`
  count: u32,
  bits: u32,
  pad0: u32,
  pad1: u32,`, [write('out', 'u32')])}
${elementwiseMain('params.count', `
  out[i] = params.bits;`)}`;

const scratch = new DataView(new ArrayBuffer(4));

/** The 32-bit pattern of `value` as the storage's dtype. */
function bitsOf(value: number, dtype: Storage['dtype']): number {
  if (dtype === 'int32') scratch.setInt32(0, value | 0, true);
  else scratch.setFloat32(0, value, true);
  return scratch.getUint32(0, true);
}

export function runFill(ctx: GpuContext, out: Storage, value: number): void {
  const bits = bitsOf(value, out.dtype);
  if (bits === 0) {
    ctx.clear(gpuBuffer(out), out.size * 4);
    return;
  }
  const params = new Params().u32(out.size, 'element count').u32(bits).u32(0).u32(0);
  ctx.dispatch({ key: 'fill', source: () => FILL }, { params, bindings: [output(out)], workgroups: workgroupsFor(out.size) });
}
