/**
 * Figure specifications: given rows, the expected marks, data and scale
 * domains. Rendering goes through the same static renderer as the page.
 */
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { classInfluenceHeatmap } from '../../src/figures/class-influence-heatmap.js';
import { comparativeInfluence } from '../../src/figures/comparative-influence.js';
import { confusionMatrix } from '../../src/figures/confusion-matrix.js';
import { curveMethods, evaluationCurves } from '../../src/figures/evaluation-curves.js';
import type { FigureContent, PlotContent } from '../../src/figures/figure-content.js';
import { instanceComparison } from '../../src/figures/instance-comparison.js';
import { heatmapCells, networkHeatmap } from '../../src/figures/network-heatmap.js';
import { networkGraph } from '../../src/figures/network-graph.js';
import { tableHtml } from '../../src/figures/table-spec.js';
import { topEdgesChart } from '../../src/figures/top-edges-chart.js';
import { topEdgesTable } from '../../src/figures/top-edges-table.js';
import { trainingCurves } from '../../src/figures/training-curves.js';
import { tsneMap } from '../../src/figures/tsne-map.js';
import { LRP_COLOR } from '../../src/figures/theme.js';
import { renderStatic } from '../../src/render-static.js';
import type { CohortEdge, CurvePoint } from '../../src/run/table-rows.js';

function plotOf(content: FigureContent): PlotContent['plot'] {
  expect(content.kind).toBe('plot');
  return (content as PlotContent).plot;
}

/** The data of the plot's i-th mark. */
function markData<T>(plot: PlotContent['plot'], index: number): T[] {
  return (plot.marks as unknown as { data: T[] }[])[index]!.data;
}

function svgOf(content: FigureContent): Document {
  return parseHTML(`<html><body>${renderStatic(content)}</body></html>`).document as unknown as Document;
}

/** The main svg of a rendered figure (Plot wraps it in <figure> with legends). */
function mainSvg(doc: Document): Element {
  const svgs = Array.from(doc.querySelectorAll('svg')).filter((s) => !String(s.getAttribute('class')).endsWith('-ramp') && !String(s.getAttribute('class')).endsWith('-swatches'));
  return svgs[svgs.length - 1]!;
}

const edge = (source: string, target: string, relevance: number, extra: Partial<CohortEdge> = {}): CohortEdge => ({
  source,
  target,
  relevance,
  median: relevance,
  q25: relevance * 0.8,
  q75: relevance * 1.2,
  mean: relevance,
  kw_h: 1,
  kw_p: 0.5,
  kw_q: 0.6,
  truth: null,
  known: null,
  replicate_rank_min: null,
  replicate_rank_max: null,
  ...extra,
});

describe('network heatmap', () => {
  const edges = [
    { source: 'A', target: 'B', relevance: 0.5 },
    { source: 'A', target: 'C', relevance: 0.2 },
    { source: 'B', target: 'D', relevance: 0.9 },
  ];

  it('draws both triangles of the pairs among the shown proteins, in their order, on the shared colour scale', () => {
    const content = networkHeatmap({ edges, proteins: ['C', 'A', 'B'], colorMax: 2, label: 'median relevance' });
    const plot = plotOf(content);
    expect(plot.x?.domain).toEqual(['C', 'A', 'B']);
    expect(plot.y?.domain).toEqual(['C', 'A', 'B']);
    expect(plot.color?.domain).toEqual([0, 2]);
    expect(heatmapCells(edges, ['C', 'A', 'B'])).toHaveLength(4);
    const cells = mainSvg(svgOf(content)).querySelectorAll('g[aria-label="cell"] rect');
    expect(cells.length).toBe(4);
  });

  it('says why when there is nothing to draw', () => {
    expect(networkHeatmap({ edges, proteins: [], colorMax: 1, label: '' })).toMatchObject({ kind: 'empty' });
    expect(networkHeatmap({ edges, proteins: ['C', 'D'], colorMax: 1, label: '' })).toMatchObject({ kind: 'empty' });
  });

  it('leaves tick labels out for very many proteins, and notes it', () => {
    const proteins = Array.from({ length: 120 }, (_, i) => `P${i}`);
    const content = networkHeatmap({ edges: [{ source: 'P0', target: 'P1', relevance: 1 }], proteins, colorMax: 1, label: '' });
    expect(plotOf(content).x?.axis).toBeNull();
    expect(content).toMatchObject({ note: expect.stringMatching(/120 proteins/) });
  });
});

describe('top edges', () => {
  const top = [edge('A', 'B', 0.9, { truth: true }), edge('C', 'D', 0.5, { known: true }), edge('A', 'C', 0.1, { truth: false, known: false })];

  it('shows only the statuses the run can have', () => {
    const truthOnly = [edge('A', 'B', 0.9, { truth: true }), edge('C', 'D', 0.5, { truth: false })];
    expect(plotOf(topEdgesChart({ edges: truthOnly })).color?.domain).toEqual(['true edge', 'other']);
    expect(plotOf(topEdgesChart({ edges: [edge('A', 'B', 0.9)] })).color?.legend).toBeUndefined();
  });

  it('lists edges strongest first with their status colours', () => {
    const plot = plotOf(topEdgesChart({ edges: top }));
    expect(plot.y?.domain).toEqual(['A – B', 'C – D', 'A – C']);
    expect(plot.color?.domain).toEqual(['true edge', 'known edge', 'other']);
    const dots = mainSvg(svgOf(topEdgesChart({ edges: top }))).querySelectorAll('g[aria-label="dot"] circle');
    expect(dots.length).toBe(3);
  });

  it('tabulates scores, q-values and flags', () => {
    const content = topEdgesTable(top);
    expect(content.kind).toBe('table');
    const html = tableHtml((content as Extract<FigureContent, { kind: 'table' }>).table);
    expect(html).toContain('KW q');
    expect(html).toContain('A – B');
    expect(html).toContain('0.72–1.08');
    expect(html).not.toContain('rank by seed'); // one predictor (or an older run): no seed column
    const replicated = topEdgesTable([edge('A', 'B', 0.9, { replicate_rank_min: 1, replicate_rank_max: 3 }), edge('C', 'D', 0.5, { replicate_rank_min: 2, replicate_rank_max: 2 })]);
    const withSeeds = tableHtml((replicated as Extract<FigureContent, { kind: 'table' }>).table);
    expect(withSeeds).toContain('rank by seed');
    expect(withSeeds).toContain('1–3');
    expect(withSeeds).toContain('2–2');
    const single = tableHtml((topEdgesTable([edge('A', 'B', 0.9, { replicate_rank_min: 1, replicate_rank_max: 1 })]) as Extract<FigureContent, { kind: 'table' }>).table);
    expect(single).not.toContain('rank by seed');
  });

  it('draws the top edges as links between nodes on a circle in the given order', () => {
    const content = networkGraph({ edges: top, order: ['D', 'C', 'B', 'A', 'E'] });
    const doc = mainSvg(svgOf(content));
    expect(doc.querySelectorAll('g[aria-label="link"] path, g[aria-label="link"] line').length).toBe(3);
    expect(doc.querySelectorAll('g[aria-label="dot"] circle').length).toBe(4);
    const labels = Array.from(doc.querySelectorAll('g[aria-label="text"] text')).map((t) => t.textContent);
    expect(labels.sort()).toEqual(['A', 'B', 'C', 'D']);
  });
});

describe('instance comparison and t-SNE', () => {
  it('plots instance against class relevance with the rank correlation in the subtitle', () => {
    const points = [
      { source: 'A', target: 'B', instance: 0.9, class: 0.8 },
      { source: 'A', target: 'C', instance: 0.2, class: 0.3 },
      { source: 'B', target: 'C', instance: 0.5, class: 0.4 },
      { source: 'C', target: 'D', instance: 0.1, class: null },
    ];
    const plot = plotOf(instanceComparison({ instance: 'S1', className: 'basal', points, instanceTopK: 50 }));
    expect(String(plot.subtitle)).toMatch(/Instance S1 \(class basal\), 3 edges, Spearman ρ = 1/);
    expect(markData(plot, 1)).toHaveLength(3);
    expect(instanceComparison({ instance: 'S1', className: null, points, instanceTopK: null })).toMatchObject({ kind: 'empty' });
  });

  it('colours instances by class and rings the chosen one', () => {
    const instances = ['a', 'b', 'c'].map((id, i) => ({ instance: id, class: i < 2 ? 'x' : 'y', split: 'test', test_mse_hidden: null, prediction_correlation: null, auroc: null, tsne_x: i, tsne_y: -i }));
    const content = tsneMap({ instances, classes: ['x', 'y'], selected: 'b' });
    expect(plotOf(content).color?.domain).toEqual(['x', 'y']);
    expect(markData<{ instance: string }>(plotOf(content), 2).map((d) => d.instance)).toEqual(['b']);
  });
});

describe('evaluation curves and training', () => {
  const points: CurvePoint[] = ['pearson', 'lrp', 'graphical_lasso'].flatMap((method) => [
    { method, kind: 'roc', scope: 'cohort', x: 0, y: 0 },
    { method, kind: 'roc', scope: 'cohort', x: 1, y: 1 },
  ]);

  it('puts LRP first, in red, and the baselines on the same axes', () => {
    expect(curveMethods(points)).toEqual(['lrp', 'graphical_lasso', 'pearson']);
    const plot = plotOf(evaluationCurves({ points, kind: 'roc', scope: 'cohort' }));
    expect(plot.color?.domain).toEqual(['LRP', 'graphical lasso', 'pearson']);
    expect((plot.color?.range as string[])[0]).toBe(LRP_COLOR);
    expect(plot.x?.domain).toEqual([0, 1]);
    expect(plot.y?.domain).toEqual([0, 1]);
    const lines = mainSvg(svgOf(evaluationCurves({ points, kind: 'roc', scope: 'cohort' }))).querySelectorAll('g[aria-label="line"] path');
    expect(lines.length).toBe(4); // chance diagonal, two baselines, LRP
  });

  it('switches to a log scale when the loss falls by more than a decade', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ epoch: i + 1, train_loss: 10 / (i + 1) ** 2, val_loss: null, lr: null }));
    expect(plotOf(trainingCurves(rows)).y?.type).toBe('log');
    expect(trainingCurves([])).toMatchObject({ kind: 'empty' });
  });
});

describe('influence figures', () => {
  const rows = ['a', 'b'].flatMap((cls, c) => ['u1', 'u2', 'u3'].map((unit, u) => ({ class: cls, unit, distributional: (c === 0 ? 1 : -2) * (u + 1), mean_attribution: null, rank: null })));

  it('draws class profiles on a symmetric diverging scale and outlines the chosen class', () => {
    const content = classInfluenceHeatmap({ rows, classes: ['a', 'b'], units: ['u3', 'u1'], selectedClass: 'b' });
    const plot = plotOf(content);
    expect(plot.color?.domain).toEqual([-6, 6]);
    expect(plot.x?.domain).toEqual(['u3', 'u1']);
    expect(markData(plot, 0)).toHaveLength(4);
    expect(markData<{ class: string }>(plot, 1).every((d) => d.class === 'b')).toBe(true);
  });

  it('orders comparisons by the report’s classes', () => {
    const content = comparativeInfluence({
      selectedClass: 'b',
      rows: [
        { other: 'c', unit: 'u1', influence: 1 },
        { other: 'a', unit: 'u1', influence: -1 },
      ],
      units: ['u1'],
      classes: ['a', 'b', 'c'],
    });
    expect(plotOf(content).y?.domain).toEqual(['b vs a', 'b vs c']);
  });

  it('writes the counts into the confusion matrix', () => {
    const cells = [
      { true_class: 'a', predicted_class: 'a', count: 9 },
      { true_class: 'a', predicted_class: 'b', count: 1 },
      { true_class: 'b', predicted_class: 'b', count: 10 },
      { true_class: 'b', predicted_class: 'a', count: 0 },
    ];
    const texts = Array.from(mainSvg(svgOf(confusionMatrix(cells, ['a', 'b']))).querySelectorAll('g[aria-label="text"] text')).map((t) => t.textContent);
    expect(texts.sort()).toEqual(['0', '1', '10', '9']);
  });
});
