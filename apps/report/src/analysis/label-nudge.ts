/**
 * Label collision avoidance for a column of labels: each label wants a
 * position (its point's y); consecutive labels must be at least `gap` apart
 * and all within [min, max]. A forward pass pushes labels down past their
 * predecessors, a backward pass pulls them back inside the range; the order
 * of the labels is kept, so leader lines never cross. Pure and
 * deterministic: the static page and the viewer place labels the same way.
 */

/** New positions (same order as `wanted`), at least `gap` apart, within [min, max] when they fit. */
export function nudgeApart(wanted: readonly number[], gap: number, min: number, max: number): number[] {
  const order = wanted.map((_, i) => i).sort((a, b) => wanted[a]! - wanted[b]! || a - b);
  const placed = order.map((i) => wanted[i]!);
  for (let k = 0; k < placed.length; k++) placed[k] = Math.max(placed[k]!, k === 0 ? min : placed[k - 1]! + gap);
  for (let k = placed.length - 1; k >= 0; k--) placed[k] = Math.min(placed[k]!, k === placed.length - 1 ? max : placed[k + 1]! - gap);
  // a range too small for every label: spread them evenly from min instead (they still keep their gap)
  if (placed.length && placed[0]! < min) for (let k = 0; k < placed.length; k++) placed[k] = min + k * gap;
  const out = new Array<number>(wanted.length);
  order.forEach((i, k) => (out[i] = placed[k]!));
  return out;
}
