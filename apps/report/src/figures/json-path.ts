/** Reading nested metrics.json / manifest.json values without trusting their shape. */

export function valueAt(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function numberAt(root: unknown, path: string): number | null {
  const v = valueAt(root, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function stringAt(root: unknown, path: string): string | null {
  const v = valueAt(root, path);
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null;
}

export function objectAt(root: unknown, path: string): Record<string, unknown> {
  const v = path === '' ? root : valueAt(root, path);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
