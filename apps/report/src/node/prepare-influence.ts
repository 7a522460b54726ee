/**
 * Everything the influence page needs besides rendering: embedded tables,
 * the unit order (average-linkage clustering of the units' class profiles),
 * the instances to choose from, defaults and notes.
 */
import { clusterVectors } from '../analysis/vector-clustering.js';
import type { EmbeddedTableInfo, InstanceChoice, ReportState } from '../report/report-state.js';
import type { RunFolder } from '../run/read-run-folder.js';
import type { RunTable } from '../run/run-table.js';
import type { ClassInfluence, ConfusionCell, Deviation, InstanceInfluence } from '../run/table-rows.js';
import { compareAscending, compareDescending, compareText } from './compare.js';
import type { EmbedLimits } from './embed-limits.js';
import { keepColumns } from './keep-columns.js';
import { naturalSort } from './natural-order.js';
import type { PreparedPage } from './prepare-proteomics.js';

const EMBEDDED = ['instance_influence', 'class_influence', 'comparative_influence', 'dataset_influence', 'deviations', 'confusion', 'training'] as const;
const UNIT_TABLES = new Set(['instance_influence', 'class_influence', 'comparative_influence', 'dataset_influence']);

export function prepareInfluence(run: RunFolder, limits: EmbedLimits): PreparedPage {
  const t = run.tables;
  const classRows = t.class_influence!.rows as unknown as ClassInfluence[];
  const confusion = t.confusion!.rows as unknown as ConfusionCell[];
  const classes = naturalSort([...classRows.map((r) => r.class), ...confusion.flatMap((c) => [c.true_class, c.predicted_class])]);

  // units ranked by their largest class influence
  const strength = new Map<string, number>();
  for (const r of classRows) strength.set(r.unit, Math.max(strength.get(r.unit) ?? 0, Number.isFinite(r.distributional) ? Math.abs(r.distributional) : 0));
  const ranked = [...strength.keys()].sort((a, b) => compareDescending(strength.get(a)!, strength.get(b)!) || compareText(a, b));
  const keptUnits = ranked.length > limits.maxEmbeddedUnits ? new Set(ranked.slice(0, limits.maxEmbeddedUnits)) : null;

  const info: EmbeddedTableInfo[] = [];
  const embedded: Record<string, RunTable> = {};
  for (const name of EMBEDDED) {
    // the figures read the instance's influence, not its attribution
    const table = name === 'instance_influence' ? keepColumns(t[name]!, ['instance', 'class', 'predicted', 'unit', 'influence']) : t[name]!;
    const limit = keptUnits !== null && UNIT_TABLES.has(name);
    const rows = limit ? table.rows.filter((r) => keptUnits.has(r.unit as string)) : table.rows;
    embedded[name] = { ...table, rows };
    info.push(limit ? { name, rows: table.rows.length, embeddedRows: rows.length, rule: `the ${limits.maxEmbeddedUnits} units with the largest class influence` } : { name, rows: table.rows.length, embeddedRows: rows.length });
  }

  const units = keptUnits ? ranked.filter((u) => keptUnits.has(u)) : ranked;
  const clusteredUnits = units.slice(0, limits.maxClustered);
  const profile = new Map<string, number[]>(clusteredUnits.map((u) => [u, new Array<number>(classes.length).fill(0)]));
  for (const r of classRows) {
    const v = profile.get(r.unit);
    const c = classes.indexOf(r.class);
    if (v && c >= 0 && Number.isFinite(r.distributional)) v[c] = r.distributional;
  }
  // cluster in name order, so the result does not depend on ties in strength
  const names = naturalSort(clusteredUnits);
  const order = [...clusterVectors(names, names.map((u) => profile.get(u)!)), ...units.slice(limits.maxClustered)];
  const strongest = new Set(units.slice(0, Math.min(limits.defaultShown, 40)));
  const defaultShown = order.filter((u) => strongest.has(u));

  const deviations = [...((embedded.deviations!.rows as unknown as Deviation[]) ?? [])].sort(
    (a, b) => compareAscending(a.deviation_rank, b.deviation_rank) || compareAscending(a.rank_correlation, b.rank_correlation) || compareText(a.instance, b.instance),
  );
  const influenceRows = embedded.instance_influence!.rows as unknown as InstanceInfluence[];
  const labels = new Map<string, { class: string | null; predicted: string | null }>();
  for (const r of influenceRows) if (!labels.has(r.instance)) labels.set(r.instance, { class: r.class, predicted: r.predicted });
  const ids = [...new Set([...deviations.map((d) => d.instance), ...labels.keys()])].filter((id) => labels.has(id));
  const instances: InstanceChoice[] = ids.map((id) => ({ id, class: labels.get(id)!.class, predicted: labels.get(id)!.predicted }));

  const kMax = Math.max(1, Math.min(60, units.length));
  const state: ReportState = {
    study: 'influence',
    classes,
    instances,
    scopes: [],
    order,
    defaultShown,
    maxShown: 120,
    colorMax: 0,
    instanceTopK: null,
    prevalence: null,
    kMax,
    defaults: { className: classes[0] ?? null, instance: instances[0]?.id ?? null, k: Math.min(15, kMax), filter: '', scope: null },
    tables: info,
  };
  return { state, tables: embedded };
}
