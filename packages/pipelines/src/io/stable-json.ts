/**
 * Deterministic JSON: object keys sorted at every level, typed arrays written
 * as arrays (Float32Array in shortest float32 form), NaN and ±Infinity as null
 * (JSON has no such numbers), bigint as a number string. Objects are indented;
 * arrays of plain values stay on one line so a million-value `data` array
 * does not become a million lines.
 */
import { formatFloat32, formatFloat64 } from './format-number.js';

function numberText(v: number, float32: boolean): string {
  if (!Number.isFinite(v)) return 'null';
  return float32 ? formatFloat32(v) : formatFloat64(v);
}

function isPlainValue(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

function write(value: unknown, indent: string, step: string, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return numberText(value, false);
    case 'bigint':
      return value.toString();
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const obj = value as object;
  if (obj instanceof Float32Array) return `[${Array.from(obj, (v) => numberText(v, true)).join(',')}]`;
  if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
    return `[${Array.from(obj as unknown as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : numberText(v, false))).join(',')}]`;
  }
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') return write((obj as { toJSON(): unknown }).toJSON(), indent, step, seen);
  if (seen.has(obj)) throw new TypeError('writeJson: the value contains a cycle');
  seen.add(obj);
  try {
    const inner = indent + step;
    if (Array.isArray(obj)) {
      if (obj.length === 0) return '[]';
      const items = obj.map((v) => write(v, inner, step, seen) ?? 'null');
      if (step === '' || obj.every(isPlainValue)) return `[${items.join(',')}]`;
      return `[\n${items.map((s) => inner + s).join(',\n')}\n${indent}]`;
    }
    const keys = Object.keys(obj).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const s = write((obj as Record<string, unknown>)[k], inner, step, seen);
      if (s !== undefined) parts.push(`${JSON.stringify(k)}:${step ? ' ' : ''}${s}`);
    }
    if (parts.length === 0) return '{}';
    if (step === '') return `{${parts.join(',')}}`;
    return `{\n${parts.map((s) => inner + s).join(',\n')}\n${indent}}`;
  } finally {
    seen.delete(obj);
  }
}

/** JSON text with sorted keys; `indent` 2 by default (0 for one line). Ends without a newline. */
export function stableStringify(value: unknown, indent = 2): string {
  return write(value, '', ' '.repeat(indent), new Set()) ?? 'null';
}
