/**
 * Memory scopes of a backend: every tensor created inside `scope(fn)` /
 * `asyncScope(fn)` is disposed when the scope closes, except those reachable
 * from the return value or passed to `keep`. Scopes nest; kept tensors move to
 * the enclosing scope.
 */
import { Tensor } from './tensor.js';

type Scope = { tensors: Set<Tensor> };

function collectTensors(value: unknown, into: Set<Tensor>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, depth + 1);
    return;
  }
  if (value instanceof Map) {
    for (const v of value.values()) collectTensors(v, into, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value as Record<string, unknown>)) collectTensors(v, into, depth + 1);
  }
}

/** The stack of open scopes of one backend. */
export class ScopeStack {
  private readonly scopes: Scope[] = [];

  /** Record a new tensor in the innermost open scope, if any. */
  adopt(t: Tensor): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) scope.tensors.add(t);
  }

  run<T>(fn: () => T, backendName: string): T {
    const scope: Scope = { tensors: new Set() };
    this.scopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.close(scope, new Set());
      throw e;
    }
    if (result instanceof Promise) {
      this.close(scope, new Set());
      throw new Error(`${backendName} backend: scope() got an async function; use asyncScope() (tensors created after the first await would escape the scope)`);
    }
    this.close(scope, reachable(result));
    return result;
  }

  async runAsync<T>(fn: () => Promise<T>): Promise<T> {
    const scope: Scope = { tensors: new Set() };
    this.scopes.push(scope);
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      this.close(scope, new Set());
      throw e;
    }
    this.close(scope, reachable(result));
    return result;
  }

  /** Take tensors out of the innermost scope (they outlive it). */
  keep(list: readonly Tensor[]): void {
    const scope = this.scopes[this.scopes.length - 1];
    if (scope) for (const x of list) scope.tensors.delete(x);
  }

  private close(scope: Scope, keep: Set<Tensor>): void {
    const i = this.scopes.lastIndexOf(scope);
    if (i >= 0) this.scopes.splice(i, 1);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of scope.tensors) {
      if (keep.has(t)) {
        if (parent) parent.tensors.add(t);
      } else if (!t.isDisposed) {
        t.dispose();
      }
    }
  }
}

function reachable(value: unknown): Set<Tensor> {
  const keep = new Set<Tensor>();
  collectTensors(value, keep);
  return keep;
}
