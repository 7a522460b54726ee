/** disposeAfterTest: what a test registers is disposed once that test ends, passed or failed. */
import { describe, expect, it } from 'vitest';
import { disposeAfterTest } from './disposal.js';
import { referenceBackendForFile } from './backends.js';

const be = await referenceBackendForFile();
const before = be.memory();

describe('disposeAfterTest', () => {
  it('keeps the tensors alive during the test', () => {
    const a = be.tensor([1, 2, 3]);
    const b = be.zeros([4]);
    disposeAfterTest(a, b);
    expect(be.memory()).not.toEqual(before);
    expect(Array.from(a.readSync())).toEqual([1, 2, 3]);
  });

  it('has disposed them when the next test starts', () => {
    expect(be.memory()).toEqual(before);
  });

  it.fails('disposes them after a failing test too', () => {
    disposeAfterTest(be.tensor([5]));
    expect(be.memory()).toEqual(before);
  });

  it('... as the next test sees', () => {
    expect(be.memory()).toEqual(before);
  });
});
