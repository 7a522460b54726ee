/**
 * Redraw what changed, one redraw at a time: while a redraw runs, further
 * changes collapse into the latest selection, so fast typing or clicking
 * never draws stale figures over new ones.
 */
import type { SectionEntry } from '../report/figure-catalogue.js';
import { changedKeys, type Selection } from '../report/selection.js';

export type Draw = (selection: Selection, ids: ReadonlySet<string>) => Promise<void>;

/** The figures that follow any of the changed controls. */
export function figuresToRedraw(sections: readonly SectionEntry[], before: Selection, after: Selection): Set<string> {
  const keys = new Set(changedKeys(before, after));
  return new Set(sections.flatMap((s) => s.figures.filter((f) => f.dependsOn.some((k) => keys.has(k))).map((f) => f.id)));
}

export function redrawQueue(initial: Selection, sections: readonly SectionEntry[], draw: Draw): (next: Selection) => void {
  let shown = initial;
  let pending: Selection | null = null;
  let running = false;
  const run = async () => {
    running = true;
    try {
      while (pending) {
        const next: Selection = pending;
        pending = null;
        const ids = figuresToRedraw(sections, shown, next);
        shown = next;
        // a failed redraw is reported by `draw`; the queue keeps serving later changes
        if (ids.size) await draw(next, ids).catch(() => undefined);
      }
    } finally {
      running = false;
    }
  };
  return (next) => {
    pending = next;
    if (!running) void run();
  };
}
