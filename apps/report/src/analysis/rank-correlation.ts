/**
 * Spearman rank correlation for the report's figures: the one in
 * @relevance/methods (Pearson on tie-averaged ranks), imported by subpath so
 * that the page bundle takes that module alone, not the compute engine.
 */
import { spearman as rankCorrelation } from '@relevance/methods/stats/descriptive';

/** Spearman rank correlation (average ranks for ties); null with fewer than 3 pairs or no variance. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) throw new Error(`spearman: ${x.length} x values but ${y.length} y values`);
  if (x.length < 3) return null;
  const rho = rankCorrelation(x, y);
  return Number.isFinite(rho) ? rho : null;
}
