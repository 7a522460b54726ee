/** What the reader has chosen in the controls; the static page shows the defaults. */
export interface Selection {
  className: string | null;
  instance: string | null;
  /** How many top edges (proteomics) or top units (influence). */
  k: number;
  /** Protein or unit filter text (see analysis/protein-filter.ts). */
  filter: string;
  /** Evaluation scope of the ROC/PR curves (proteomics). */
  scope: string | null;
}

export type SelectionKey = keyof Selection;

export function changedKeys(before: Selection, after: Selection): SelectionKey[] {
  return (Object.keys(after) as SelectionKey[]).filter((k) => before[k] !== after[k]);
}
