/**
 * How much of each table the page holds. The page must stay a few MB, so the
 * per-instance edges keep each instance's strongest pairs and very large
 * tables keep the rows about the strongest proteins or units; the page says
 * what was left out.
 */
export interface EmbedLimits {
  /** Edges kept per instance in edges_instance. */
  instanceTopK: number;
  /** Proteins (by weighted degree) whose pairs are kept when there are more. */
  maxEmbeddedProteins: number;
  /** Units (by largest class influence) whose rows are kept when there are more. */
  maxEmbeddedUnits: number;
  /** Proteins clustered for the heatmap order (clustering is cubic). */
  maxClustered: number;
  /** Proteins or units a heatmap shows when the filter is empty. */
  defaultShown: number;
  /** Most proteins or units a heatmap shows for a filter. */
  maxShown: number;
}

export const DEFAULT_EMBED_LIMITS: EmbedLimits = {
  instanceTopK: 50,
  maxEmbeddedProteins: 250,
  maxEmbeddedUnits: 300,
  maxClustered: 300,
  defaultShown: 60,
  maxShown: 150,
};
