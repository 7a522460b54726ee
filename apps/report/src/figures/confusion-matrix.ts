/** The classifier's confusion matrix on the test split: true class down, predicted class across, counts in the cells. */
import * as Plot from '@observablehq/plot';
import type { ConfusionCell } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { labelWidth } from './theme.js';

export function confusionMatrix(cells: readonly ConfusionCell[], classes: readonly string[]): FigureContent {
  if (cells.length === 0) return emptyContent('No confusion matrix in this run.');
  const domain = classes.length ? [...classes] : [...new Set(cells.flatMap((c) => [c.true_class, c.predicted_class]))].sort();
  const max = Math.max(...cells.map((c) => c.count), 1);
  const cell = Math.max(30, Math.min(64, Math.floor(360 / domain.length)));
  const marginLeft = labelWidth(domain) + 40;
  const dark = cells.filter((c) => c.count > max * 0.55);
  const light = cells.filter((c) => c.count <= max * 0.55);
  return plotContent({
    width: marginLeft + cell * domain.length + 20,
    height: 70 + cell * domain.length + 40,
    marginLeft,
    marginTop: 60,
    marginRight: 20,
    x: { domain, label: 'predicted class', labelAnchor: 'center', axis: 'top', tickSize: 0 },
    y: { domain, label: 'true class', labelAnchor: 'center', tickSize: 0 },
    color: { type: 'linear', domain: [0, max], scheme: 'blues', legend: true, label: 'test instances' },
    marks: [
      Plot.cell(cells, { x: 'predicted_class', y: 'true_class', fill: 'count', inset: 1 }),
      // two text marks with constant colours: a colour channel would share the count scale
      Plot.text(dark, { x: 'predicted_class', y: 'true_class', text: 'count', fill: 'white', fontSize: 13 }),
      Plot.text(light, { x: 'predicted_class', y: 'true_class', text: 'count', fill: '#222', fontSize: 13 }),
    ],
  });
}
