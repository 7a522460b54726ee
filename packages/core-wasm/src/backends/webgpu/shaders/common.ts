/// <reference types="@webgpu/types" />
/**
 * Pieces shared by the WGSL kernels: binding declarations and the linear
 * invocation index over a 2-D grid of 1-D workgroups (the device context
 * spreads more than 65535 workgroups over x and y).
 */
import type { Storage } from '../../../tensor.js';
import type { BufferBinding } from '../device.js';

/** Threads per workgroup for one-thread-per-element kernels (the WebGPU default limit). */
export const WORKGROUP_SIZE = 256;

export function workgroupsFor(invocations: number): number {
  return Math.ceil(invocations / WORKGROUP_SIZE);
}

export function gpuBuffer(storage: Storage): GPUBuffer {
  return storage.handle as GPUBuffer;
}

/** A storage bound for reading. */
export function input(storage: Storage): BufferBinding {
  return { buffer: gpuBuffer(storage), byteSize: storage.size * 4, writable: false };
}

/** A storage bound for writing (and reading). */
export function output(storage: Storage): BufferBinding {
  return { buffer: gpuBuffer(storage), byteSize: storage.size * 4, writable: true };
}

export type WgslScalar = 'f32' | 'i32' | 'u32' | 'atomic<u32>';

export interface BufferDecl {
  name: string;
  type: WgslScalar;
  writable: boolean;
}

export const read = (name: string, type: WgslScalar = 'f32'): BufferDecl => ({ name, type, writable: false });
export const write = (name: string, type: WgslScalar = 'f32'): BufferDecl => ({ name, type, writable: true });

/** `@binding(0)` is the uniform `params: Params` (when `paramsStruct` is given); buffers follow from 1 in host order. */
export function declarations(paramsStruct: string | null, buffers: readonly BufferDecl[]): string {
  const lines: string[] = [];
  if (paramsStruct !== null) {
    lines.push(`struct Params {\n${paramsStruct.trim()}\n}`);
    lines.push('@group(0) @binding(0) var<uniform> params: Params;');
  }
  buffers.forEach((b, i) => {
    lines.push(`@group(0) @binding(${i + 1}) var<storage, ${b.writable ? 'read_write' : 'read'}> ${b.name}: array<${b.type}>;`);
  });
  return lines.join('\n');
}

/** Entry point arguments giving `wid`, `nwg`, `lid`. */
export const ENTRY_ARGS =
  '@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32';

/** The workgroup's linear id (uniform across the workgroup). */
export const WORKGROUP_LINEAR_ID = 'wid.y * nwg.x + wid.x';

/**
 * A one-thread-per-element entry point: `body` runs with `i` (u32) for every
 * i < `countExpr` (a WGSL expression, usually `params.count`).
 */
export function elementwiseMain(countExpr: string, body: string): string {
  return `
@compute @workgroup_size(${WORKGROUP_SIZE})
fn main(${ENTRY_ARGS}) {
  let i = (${WORKGROUP_LINEAR_ID}) * ${WORKGROUP_SIZE}u + lid;
  if (i >= ${countExpr}) { return; }
${body}
}`;
}

/** WGSL helpers for infinities (a constant expression may not evaluate to infinity, so they go through a variable). */
export const INFINITY_HELPERS = `
fn positiveInfinity() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn negativeInfinity() -> f32 { var bits = 0xff800000u; return bitcast<f32>(bits); }`;
