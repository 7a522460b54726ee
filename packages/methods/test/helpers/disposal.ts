import { onTestFinished } from 'vitest';

/**
 * Disposes models and tensors when the current test finishes, passed or
 * failed, in the order given (call inside a test, once they exist).
 */
export function disposeAfterTest(...items: ReadonlyArray<{ dispose(): void }>): void {
  onTestFinished(() => {
    for (const item of items) item.dispose();
  });
}
