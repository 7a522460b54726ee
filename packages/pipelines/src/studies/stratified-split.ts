/**
 * The stratified split both studies use, seeded: within each class (in sorted
 * class order) a shuffle puts round(f * n) rows in test (and, with a validation
 * fraction, in validation), so every class appears in every part. Rows without
 * classes form one group. Errors name the class and what each part needs.
 */
import type { Generator } from '@relevance/core-wasm';
import { DataError } from '../io/data-error.js';

export interface Split {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

export interface SplitOptions {
  testFraction: number;
  /** 0 (default): no validation part. */
  validationFraction?: number;
  /** How to fix a class that is too small, for the error message. */
  hint: string;
}

export function stratifiedSplit(labels: readonly string[] | null, rows: number, options: SplitOptions, generator: Generator, source: string): Split {
  const withValidation = (options.validationFraction ?? 0) > 0;
  const groups = new Map<string, number[]>();
  for (let r = 0; r < rows; r++) {
    const key = labels ? labels[r]! : '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(r);
  }
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const [cls, members] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const n = members.length;
    const nTest = Math.max(1, Math.round(n * options.testFraction));
    const nValidation = withValidation ? Math.max(1, Math.round(n * options.validationFraction!)) : 0;
    if (n - nTest - nValidation < 1) {
      const who = labels ? `class '${cls}' has` : 'the data have';
      const rowsText = `${n} row${n === 1 ? '' : 's'}`;
      const parts = withValidation
        ? `a stratified train/validation/test split (--test-fraction ${options.testFraction}, --validation-fraction ${options.validationFraction}: each part needs at least one row, so ${nTest + nValidation + 1} at least)`
        : `a train/test split with --test-fraction ${options.testFraction} (each side needs at least one row)`;
      throw new DataError(`${source}: ${who} ${rowsText}, too few for ${parts}; ${options.hint}`);
    }
    const shuffled = generator.shuffle([...members]) as number[];
    test.push(...shuffled.slice(0, nTest));
    validation.push(...shuffled.slice(nTest, nTest + nValidation));
    train.push(...shuffled.slice(nTest + nValidation));
  }
  const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}
