/**
 * Build the proteomics report's figures for a selection: ask the data
 * (rows in Node, SQL in the browser), hand the answers to the figure
 * specifications. `ids` limits the work to the figures that need redrawing.
 */
import { evaluationCurves } from '../figures/evaluation-curves.js';
import type { FigureContent } from '../figures/figure-content.js';
import { instanceComparison } from '../figures/instance-comparison.js';
import { manifestTable } from '../figures/manifest-table.js';
import { networkGraph } from '../figures/network-graph.js';
import { networkHeatmap } from '../figures/network-heatmap.js';
import { knownEdgesTable, networkMetricsTable } from '../figures/network-metrics-table.js';
import { topEdgesChart } from '../figures/top-edges-chart.js';
import { topEdgesTable } from '../figures/top-edges-table.js';
import { trainingCurves } from '../figures/training-curves.js';
import { tsneMap } from '../figures/tsne-map.js';
import { trustTable } from '../figures/trust-table.js';
import { emptyContent } from '../figures/figure-content.js';
import type { ProteomicsData } from './proteomics-data.js';
import type { ReportState } from './report-state.js';
import type { Selection } from './selection.js';
import { figureScope } from './figure-scope.js';
import { shownNote } from './shown-names.js';

export interface RunDocuments {
  metrics: unknown;
  manifest: unknown;
}

export async function buildProteomicsFigures(
  data: ProteomicsData,
  state: ReportState,
  selection: Selection,
  docs: RunDocuments,
  ids?: ReadonlySet<string>,
): Promise<Record<string, FigureContent>> {
  const { want, out, shown, filter: proteinFilter } = figureScope(state, selection, ids);
  const note = shownNote(shown, selection.filter, state.order.length, 'proteins', 'proteins with the strongest edges');

  if (want('cohort-heatmap')) {
    out['cohort-heatmap'] = networkHeatmap({ edges: await data.cohortEdges(shown.names), proteins: shown.names, colorMax: state.colorMax, label: 'network score (cohort)', note });
  }
  if (want('class-heatmap')) {
    out['class-heatmap'] =
      selection.className === null
        ? emptyContent('This run has no classes.')
        : networkHeatmap({ edges: await data.classEdges(selection.className, shown.names), proteins: shown.names, colorMax: state.colorMax, label: `network score (class ${selection.className})`, note });
  }
  if (want('top-edges') || want('top-edges-table') || want('network-graph')) {
    const top = await data.topEdges(selection.k, proteinFilter);
    if (want('top-edges')) out['top-edges'] = topEdgesChart({ edges: top });
    if (want('top-edges-table')) out['top-edges-table'] = topEdgesTable(top);
    if (want('network-graph')) out['network-graph'] = networkGraph({ edges: top, order: state.order });
  }
  if (want('instance-comparison')) {
    const choice = state.instances.find((i) => i.id === selection.instance);
    out['instance-comparison'] = choice
      ? instanceComparison({ instance: choice.id, className: choice.class, points: await data.instanceEdges(choice.id, proteinFilter), instanceTopK: state.instanceTopK })
      : emptyContent('This run has no instance networks.');
  }
  if (want('tsne')) out['tsne'] = tsneMap({ instances: await data.tsneInstances(), classes: state.classes, selected: selection.instance });
  for (const kind of ['roc', 'pr'] as const) {
    const id = `${kind}-curves`;
    if (!want(id)) continue;
    out[id] =
      selection.scope === null
        ? emptyContent('This run has no evaluation curves (no truth and no known edges).')
        : evaluationCurves({ points: await data.curves(kind, selection.scope), kind, scope: selection.scope, prevalence: selection.scope === 'cohort' ? state.prevalence : null });
  }
  if (want('trust')) out['trust'] = trustTable(docs.metrics);
  if (want('network-metrics')) out['network-metrics'] = networkMetricsTable(docs.metrics);
  if (want('known-edges')) out['known-edges'] = knownEdgesTable(docs.metrics);
  if (want('training')) out['training'] = trainingCurves(await data.training());
  if (want('manifest')) out['manifest'] = manifestTable(docs.manifest);
  return out;
}
