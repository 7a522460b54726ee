/**
 * Checks of study options that both studies share. Every failure is a
 * UsageError (exit 2) that names the option as the user typed it, the value,
 * the allowed range and why, before any work starts.
 */
import { availableParallelism, totalmem } from 'node:os';
import { UsageError } from '../cli/usage-error.js';

export function badOption(option: string, why: string): never {
  throw new UsageError(`--${option}: ${why}`);
}

export function positiveInteger(option: string, v: number, max = Number.MAX_SAFE_INTEGER, reason = ''): void {
  if (!Number.isInteger(v) || v < 1) badOption(option, `must be a positive whole number, got ${v}`);
  if (v > max) badOption(option, `must be at most ${max}${reason ? ` (${reason})` : ''}, got ${v}`);
}

export function positiveNumber(option: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v))) badOption(option, `must be a positive number, got ${v}`);
}

export function nonNegativeNumber(option: string, v: number): void {
  if (!(v >= 0 && Number.isFinite(v))) badOption(option, `must be a number >= 0, got ${v}`);
}

/** 0 <= v < 1, or 0 < v < 1 when `open` (the low end excluded). */
export function fraction(option: string, v: number, open: boolean): void {
  const ok = open ? v > 0 && v < 1 : v >= 0 && v < 1;
  if (!ok) badOption(option, `must lie in ${open ? '(0, 1)' : '[0, 1)'} (a share of the rows), got ${v}`);
}

export function seed(v: number, max = 2 ** 32 - 1): void {
  if (!Number.isInteger(v) || v < 0 || v > max) badOption('seed', `must be a whole number in [0, ${max}], got ${v}`);
}

/** Layer sizes: each a positive whole number, at most `max` units (larger layers do not fit in memory). */
export function hiddenSizes(v: readonly number[], example: string, max = 65536): void {
  if (v.length === 0 || v.some((h) => !Number.isInteger(h) || h < 1)) badOption('hidden', `must list positive layer sizes like ${example}, got '${v.join(',')}'`);
  const big = v.find((h) => h > max);
  if (big !== undefined) badOption('hidden', `a layer of ${big} units is more than ${max}; such a layer's weights do not fit in memory. Use sizes like ${example}`);
}

/** The most worker threads a machine may be given: 4 per core (more only add memory and switching). */
export function maxThreads(cores = availableParallelism()): number {
  return Math.max(4, 4 * cores);
}

export function threads(v: number | undefined): void {
  if (v === undefined) return;
  const cores = availableParallelism();
  positiveInteger('threads', v, maxThreads(cores), `4 per core on this machine with ${cores} core${cores === 1 ? '' : 's'}; each thread is a worker with its own memory, and more threads than cores do not run faster`);
}

/** Bytes a step may hold at once: half the machine's memory. */
export function memoryBudget(): number {
  return totalmem() / 2;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 && u > 0 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
