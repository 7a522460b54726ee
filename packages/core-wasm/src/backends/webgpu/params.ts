/**
 * Packing a kernel's scalar parameters into the bytes of a WGSL uniform struct.
 *
 * Fields are written in declaration order. Scalars (u32, i32, f32) are 4 bytes
 * with 4-byte alignment; arrays in a uniform struct have 16-byte element
 * stride, so kernels use `array<vec4<...>, N>` and write them with `u32x4s` /
 * `i32x4s` after `align16()`. The finished block is padded to 16 bytes, the
 * size WGSL gives the struct.
 */
const MAX_PARAM_BYTES = 256;

export class Params {
  private readonly bytes = new ArrayBuffer(MAX_PARAM_BYTES);
  private readonly view = new DataView(this.bytes);
  private length = 0;

  u32(value: number, name = 'u32 parameter'): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`webgpu backend: ${name} ${value} is not a u32`);
    this.view.setUint32(this.reserve(4), value, true);
    return this;
  }

  i32(value: number, name = 'i32 parameter'): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) throw new RangeError(`webgpu backend: ${name} ${value} is not an i32`);
    this.view.setInt32(this.reserve(4), value, true);
    return this;
  }

  /** Rounded to float32 as the shader will see it. */
  f32(value: number): this {
    this.view.setFloat32(this.reserve(4), value, true);
    return this;
  }

  /** Skip to the next 16-byte boundary (before vec4 arrays). */
  align16(): this {
    while (this.length % 16 !== 0) this.u32(0);
    return this;
  }

  /** `array<vec4<u32>, slots / 4>`: values padded with zeros to `slots` entries. */
  u32x4s(values: readonly number[], slots: number): this {
    this.align16();
    for (let i = 0; i < slots; i++) this.u32(values[i] ?? 0);
    return this;
  }

  /** `array<vec4<i32>, slots / 4>` or a run of vec4<i32>: values padded with zeros to `slots` entries. */
  i32x4s(values: readonly number[], slots: number): this {
    this.align16();
    for (let i = 0; i < slots; i++) this.i32(values[i] ?? 0);
    return this;
  }

  /** The packed block, padded to a multiple of 16 bytes. */
  finish(): Uint8Array {
    const size = Math.max(16, Math.ceil(this.length / 16) * 16);
    return new Uint8Array(this.bytes, 0, size);
  }

  private reserve(size: number): number {
    const at = this.length;
    if (at + size > MAX_PARAM_BYTES) throw new RangeError(`webgpu backend: kernel parameters exceed ${MAX_PARAM_BYTES} bytes`);
    this.length += size;
    return at;
  }
}
