/**
 * NumPy .npy files (format version 1.0, little-endian float32, C order): the
 * compact matrix format of a run's per-patient networks. One file, a short
 * text header, then the raw values, so Python reads it with `numpy.load`
 * (memory-mapped with mmap_mode='r'), R with `RcppCNPy::npyLoad` or a
 * `readBin` after the header, and anything else with a seek. Writes stream
 * row blocks through writeFileAtomic (a complete file or none); reads stream
 * row ranges, so neither holds more than one block beyond the caller's.
 */
import { open } from 'node:fs/promises';
import { DataError } from './data-error.js';
import { writeFileAtomic } from './atomic-write.js';

const MAGIC = '\x93NUMPY';

/** The header for a float32 array of `shape`: magic, version 1.0, length, dict padded to a multiple of 64 bytes (no Node APIs: the browser app uses it). */
export function npyHeaderBytes(shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const total = Math.ceil(unpadded / 64) * 64;
  const text = dict + ' '.repeat(total - unpadded) + '\n';
  const out = new Uint8Array(total);
  for (let i = 0; i < MAGIC.length; i++) out[i] = MAGIC.charCodeAt(i);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

export function npyHeader(shape: readonly number[]): Buffer {
  return Buffer.from(npyHeaderBytes(shape));
}

/** A whole float32 .npy file in memory (the browser app's run folder), from row blocks in order. */
export function npyBytes(shape: readonly number[], rows: Iterable<Float32Array>): Uint8Array {
  const header = npyHeaderBytes(shape);
  const expected = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(header.length + 4 * expected);
  out.set(header, 0);
  let written = 0;
  for (const block of rows) {
    if (written + block.length > expected) break;
    const bytes = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
    out.set(isLittleEndian ? bytes : swapped(bytes), header.length + 4 * written);
    written += block.length;
  }
  if (written !== expected) throw new Error(`npy: ${written} values for shape (${shape.join(', ')}), expected ${expected}`);
  return out;
}

/**
 * Write a float32 .npy file of `shape` from `rows()`, an iterable of row
 * blocks (Float32Array, in order) whose total length is the product of the shape.
 */
export async function writeNpy(path: string, shape: readonly number[], rows: Iterable<Float32Array> | AsyncIterable<Float32Array>): Promise<void> {
  const expected = shape.reduce((a, b) => a * b, 1);
  await writeFileAtomic(path, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      const writeAll = async (bytes: Uint8Array): Promise<void> => {
        for (let off = 0; off < bytes.length; ) off += (await handle.write(bytes, off, bytes.length - off)).bytesWritten;
      };
      await writeAll(npyHeader(shape));
      let written = 0;
      for await (const block of rows) {
        const bytes = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
        await writeAll(isLittleEndian ? bytes : swapped(bytes));
        written += block.length;
      }
      if (written !== expected) throw new Error(`wrote ${written} values for shape (${shape.join(', ')}), expected ${expected}`);
      await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function swapped(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) for (let j = 0; j < 4; j++) out[i + j] = bytes[i + 3 - j]!;
  return out;
}

export interface NpyReader {
  shape: number[];
  /** Values per row (the product of the shape after the first dimension). */
  rowLength: number;
  /** Rows [start, start + count) as one Float32Array. */
  readRows(start: number, count: number): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Open a float32 C-order .npy file for reading row ranges; errors name the file and what is wrong. */
export async function openNpy(path: string): Promise<NpyReader> {
  const handle = await open(path, 'r').catch((e) => {
    throw new DataError(`${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  });
  try {
    const head = Buffer.alloc(10);
    await handle.read(head, 0, 10, 0);
    if (head.toString('latin1', 0, 6) !== MAGIC || head[6] !== 1) throw new DataError(`${path}: not a version 1 .npy file`);
    const length = head.readUInt16LE(8);
    const text = Buffer.alloc(length);
    await handle.read(text, 0, length, 10);
    const dict = text.toString('latin1');
    if (!/'descr':\s*'<f4'/.test(dict) || !/'fortran_order':\s*False/.test(dict)) throw new DataError(`${path}: expected little-endian float32 in C order, the header says ${dict.trim()}`);
    const shapeText = /'shape':\s*\(([^)]*)\)/.exec(dict)?.[1] ?? '';
    const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
    const dataStart = 10 + length;
    const rowLength = shape.slice(1).reduce((a, b) => a * b, 1);
    const size = (await handle.stat()).size;
    const need = dataStart + 4 * rowLength * (shape[0] ?? 0);
    if (size !== need) throw new DataError(`${path}: holds ${size} bytes, its header (shape (${shape.join(', ')})) needs ${need}; the file is truncated or was edited`);
    return {
      shape,
      rowLength,
      async readRows(start, count) {
        const out = new Float32Array(count * rowLength);
        const bytes = new Uint8Array(out.buffer);
        await handle.read(bytes, 0, bytes.length, dataStart + 4 * rowLength * start);
        if (!isLittleEndian) bytes.set(swapped(bytes));
        return out;
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}
