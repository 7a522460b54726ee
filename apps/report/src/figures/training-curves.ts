/** Training and validation loss per epoch; a log scale when the loss falls by more than a decade. */
import * as Plot from '@observablehq/plot';
import type { TrainingRow } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { FIGURE_WIDTH } from './theme.js';

interface LossPoint {
  epoch: number;
  loss: number;
  series: string;
}

export function trainingCurves(rows: readonly TrainingRow[]): FigureContent {
  const points: LossPoint[] = [];
  for (const r of rows) {
    if (r.train_loss !== null && Number.isFinite(r.train_loss)) points.push({ epoch: r.epoch, loss: r.train_loss, series: 'training' });
    if (r.val_loss !== null && Number.isFinite(r.val_loss)) points.push({ epoch: r.epoch, loss: r.val_loss, series: 'validation' });
  }
  if (points.length === 0) return emptyContent('No training history in this run (the model was loaded, not trained).');
  const positive = points.every((p) => p.loss > 0);
  const losses = points.map((p) => p.loss);
  const log = positive && Math.max(...losses) / Math.min(...losses) > 10;
  return plotContent({
    width: FIGURE_WIDTH,
    height: 300,
    marginLeft: 56,
    x: { label: 'epoch →', grid: true },
    y: { label: `↑ loss${log ? ' (log scale)' : ''}`, type: log ? 'log' : 'linear', grid: true, tickFormat: log ? '~g' : undefined },
    color: { domain: ['training', 'validation'], range: ['#4a6fa5', '#e07b39'], legend: true },
    marks: [Plot.line(points, { x: 'epoch', y: 'loss', stroke: 'series', strokeWidth: 2 }), Plot.dot(points, { x: 'epoch', y: 'loss', fill: 'series', r: 2 })],
  });
}
