/**
 * Build the influence report's figures for a selection, from the data's
 * answers (rows in Node, SQL in the browser). `ids` limits the work to the
 * figures that need redrawing.
 */
import { classInfluenceHeatmap } from '../figures/class-influence-heatmap.js';
import { classProfileBars } from '../figures/class-profile-bars.js';
import { classifierMetricsTable } from '../figures/classifier-metrics-table.js';
import { comparativeInfluence } from '../figures/comparative-influence.js';
import { confusionMatrix } from '../figures/confusion-matrix.js';
import { deviationsTable } from '../figures/deviations-table.js';
import { emptyContent, type FigureContent } from '../figures/figure-content.js';
import { influenceScatter } from '../figures/influence-scatter.js';
import { manifestTable } from '../figures/manifest-table.js';
import { rankCorrelationStrip } from '../figures/rank-correlation-strip.js';
import { trainingCurves } from '../figures/training-curves.js';
import type { InfluenceData } from './influence-data.js';
import type { RunDocuments } from './proteomics-figures.js';
import type { ReportState } from './report-state.js';
import type { Selection } from './selection.js';
import { figureScope } from './figure-scope.js';
import { shownNote } from './shown-names.js';

/** Rows of the deviations table. */
export const DEVIATING_SHOWN = 12;

export async function buildInfluenceFigures(
  data: InfluenceData,
  state: ReportState,
  selection: Selection,
  docs: RunDocuments,
  ids?: ReadonlySet<string>,
): Promise<Record<string, FigureContent>> {
  const { want, out, shown, filter: unitFilter } = figureScope(state, selection, ids);
  const chosen = selection.className;

  if (want('class-influence')) {
    out['class-influence'] = classInfluenceHeatmap({
      rows: await data.classInfluence(shown.names),
      classes: state.classes,
      units: shown.names,
      selectedClass: chosen,
      note: shownNote(shown, selection.filter, state.order.length, 'units', 'most influential units'),
    });
  }
  if (want('class-profile')) {
    if (chosen === null) out['class-profile'] = emptyContent('This run has no classes.');
    else {
      const rows = await data.classTopUnits(chosen, selection.k, unitFilter);
      out['class-profile'] = classProfileBars({ className: chosen, rows, dataset: await data.datasetInfluence(rows.map((r) => r.unit)) });
    }
  }
  if (want('comparative-influence')) {
    out['comparative-influence'] = chosen === null ? emptyContent('This run has no classes.') : comparativeInfluence({ selectedClass: chosen, rows: await data.comparative(chosen, shown.names), units: shown.names, classes: state.classes });
  }
  if (want('rank-correlation')) out['rank-correlation'] = rankCorrelationStrip({ deviations: await data.deviations(), classes: state.classes, selected: selection.instance });
  if (want('instance-influence')) {
    const choice = state.instances.find((i) => i.id === selection.instance);
    if (!choice) out['instance-influence'] = emptyContent('This run has no per-instance influence.');
    else {
      const deviation = (await data.deviations()).find((d) => d.instance === choice.id);
      out['instance-influence'] = influenceScatter({
        instance: choice.id,
        className: choice.class,
        predicted: choice.predicted ?? null,
        rankCorrelation: deviation?.rank_correlation ?? null,
        points: await data.instanceUnits(choice.id, unitFilter),
      });
    }
  }
  if (want('deviations')) out['deviations'] = deviationsTable(await data.mostDeviating(DEVIATING_SHOWN));
  if (want('confusion')) out['confusion'] = confusionMatrix(await data.confusion(), state.classes);
  if (want('classifier-metrics')) out['classifier-metrics'] = classifierMetricsTable(docs.metrics);
  if (want('training')) out['training'] = trainingCurves(await data.training());
  if (want('manifest')) out['manifest'] = manifestTable(docs.manifest);
  return out;
}
