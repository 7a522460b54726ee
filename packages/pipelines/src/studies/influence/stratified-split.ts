/**
 * Stratified train / validation / test split, seeded: within each class (in
 * sorted class order) a shuffle puts max(1, round(f · n_c)) rows in test and
 * in validation and the rest in training, so every class appears in all three.
 */
import { Generator } from '@relevance/core-wasm';
import { DataError } from '../../io/data-error.js';

export interface Split {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

export function stratifiedSplit(labels: readonly string[], classes: readonly string[], testFraction: number, validationFraction: number, generator: Generator, source: string): Split {
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  for (const c of classes) {
    const members = labels.flatMap((l, r) => (l === c ? [r] : []));
    const nTest = Math.max(1, Math.round(members.length * testFraction));
    const nValidation = Math.max(1, Math.round(members.length * validationFraction));
    if (members.length - nTest - nValidation < 1) {
      throw new DataError(
        `${source}: class '${c}' has ${members.length} row${members.length === 1 ? '' : 's'}, too few for a stratified train/validation/test split ` +
          `(--test-fraction ${testFraction}, --validation-fraction ${validationFraction}: each part needs at least one row, so ${nTest + nValidation + 1} at least); ` +
          `add rows, merge or remove the class in the table, or explain a trained model with --model`,
      );
    }
    const shuffled = generator.shuffle([...members]) as number[];
    test.push(...shuffled.slice(0, nTest));
    validation.push(...shuffled.slice(nTest, nTest + nValidation));
    train.push(...shuffled.slice(nTest + nValidation));
  }
  const sorted = (a: number[]): Int32Array => Int32Array.from(a).sort();
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}
