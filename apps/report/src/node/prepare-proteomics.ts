/**
 * Everything the proteomics page needs besides rendering: the embedded
 * (possibly limited) tables, the shared clustered protein order, defaults and
 * notes. The static figures are drawn from the same embedded rows the viewer
 * queries, so the first interactive redraw matches the static page.
 */
import { clusteredProteinOrder, proteinsByDegree, type WeightedEdge } from '../analysis/protein-order.js';
import type { EmbeddedTableInfo, InstanceChoice, ReportState } from '../report/report-state.js';
import type { RunFolder } from '../run/read-run-folder.js';
import type { RunTable } from '../run/run-table.js';
import type { ClassEdge, CohortEdge, InstanceEdge, InstanceRow, ProteinRow } from '../run/table-rows.js';
import type { EmbedLimits } from './embed-limits.js';
import { keepColumns } from './keep-columns.js';
import { largestGroup, topRowsPerGroup } from './limit-rows.js';
import { naturalSort } from './natural-order.js';

export interface PreparedPage {
  state: ReportState;
  /** The tables the page embeds (and the static figures are drawn from). */
  tables: Record<string, RunTable>;
}

const EMBEDDED = ['edges_cohort', 'edges_class', 'edges_instance', 'instances', 'curves', 'training'] as const;

/** The columns the figures read from the two largest tables. */
const FIGURE_COLUMNS: Record<string, string[]> = {
  edges_class: ['class', 'source', 'target', 'relevance', 'median'],
  edges_instance: ['instance', 'class', 'source', 'target', 'relevance'],
};

function proteinList(tables: Record<string, RunTable>, cohort: readonly CohortEdge[]): string[] {
  const listed = (tables.proteins?.rows ?? []) as unknown as ProteinRow[];
  const kept = listed.filter((p) => !p.dropped).sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));
  const names = new Set(kept.map((p) => p.protein));
  for (const e of cohort) {
    names.add(e.source);
    names.add(e.target);
  }
  return [...names];
}

function scopeOrder(scopes: Iterable<string>): string[] {
  const all = [...new Set(scopes)];
  const rank = (s: string) => (s === 'cohort' ? 0 : s === 'known' ? 1 : 2);
  return [...all.filter((s) => rank(s) < 2).sort((a, b) => rank(a) - rank(b)), ...naturalSort(all.filter((s) => rank(s) === 2))];
}

export function prepareProteomics(run: RunFolder, limits: EmbedLimits): PreparedPage {
  const t = run.tables;
  const info: EmbeddedTableInfo[] = [];
  const embedded: Record<string, RunTable> = {};
  const cohortAll = t.edges_cohort!.rows as unknown as CohortEdge[];
  const proteins = proteinList(t, cohortAll);

  // very large networks: keep the pairs among the strongest proteins
  const byDegree = proteinsByDegree(proteins, cohortAll);
  const keptProteins = proteins.length > limits.maxEmbeddedProteins ? new Set(byDegree.slice(0, limits.maxEmbeddedProteins)) : null;
  const aboutKept = (r: { source: unknown; target: unknown }) => keptProteins === null || (keptProteins.has(r.source as string) && keptProteins.has(r.target as string));
  const proteinRule = `pairs among the ${limits.maxEmbeddedProteins} proteins with the strongest cohort edges`;

  for (const name of EMBEDDED) {
    const table = FIGURE_COLUMNS[name] ? keepColumns(t[name]!, FIGURE_COLUMNS[name]!) : t[name]!;
    let rows = table.rows;
    let rule: string | undefined;
    if ((name === 'edges_cohort' || name === 'edges_class' || name === 'edges_instance') && keptProteins) {
      rows = rows.filter((r) => aboutKept(r as never));
      rule = proteinRule;
    }
    if (name === 'edges_instance' && largestGroup(rows, 'instance') > limits.instanceTopK) {
      rows = topRowsPerGroup(rows, 'instance', (r) => r.relevance as number | null, limits.instanceTopK, ['source', 'target']);
      rule = [rule, `each instance's ${limits.instanceTopK} strongest pairs`].filter(Boolean).join('; ');
    }
    embedded[name] = { ...table, rows };
    info.push(rule ? { name, rows: table.rows.length, embeddedRows: rows.length, rule } : { name, rows: table.rows.length, embeddedRows: rows.length });
  }

  const cohort = embedded.edges_cohort!.rows as unknown as CohortEdge[];
  const classEdges = embedded.edges_class!.rows as unknown as ClassEdge[];
  const instanceEdges = embedded.edges_instance!.rows as unknown as InstanceEdge[];
  const instanceRows = embedded.instances!.rows as unknown as InstanceRow[];
  const shownProteins = keptProteins ? proteins.filter((p) => keptProteins.has(p)) : proteins;

  const classes = naturalSort([...classEdges.map((e) => e.class), ...instanceRows.map((r) => r.class), ...instanceEdges.map((e) => e.class)].filter((c): c is string => c !== null));
  const classNetworks: WeightedEdge[][] = classes.map((c) => classEdges.filter((e) => e.class === c));
  const { order } = clusteredProteinOrder(shownProteins, cohort, classNetworks, limits.maxClustered);
  const strongest = new Set(proteinsByDegree(shownProteins, cohort).slice(0, limits.defaultShown));
  const defaultShown = order.filter((p) => strongest.has(p));

  // instances with a network, in the instances table's order when it has them
  const withNetwork = new Map<string, string | null>();
  for (const e of instanceEdges) if (!withNetwork.has(e.instance)) withNetwork.set(e.instance, e.class);
  const listed = instanceRows.filter((r) => withNetwork.has(r.instance)).map((r) => r.instance);
  const instanceIds = [...new Set([...listed, ...withNetwork.keys()])];
  const instances: InstanceChoice[] = instanceIds.map((id) => ({ id, class: withNetwork.get(id) ?? instanceRows.find((r) => r.instance === id)?.class ?? null }));

  let colorMax = 0;
  for (const e of cohort) if (Number.isFinite(e.relevance)) colorMax = Math.max(colorMax, e.relevance);
  for (const e of classEdges) if (Number.isFinite(e.relevance)) colorMax = Math.max(colorMax, e.relevance);

  const truthKnown = cohortAll.filter((e) => e.truth !== null);
  const prevalence = truthKnown.length ? truthKnown.filter((e) => e.truth).length / truthKnown.length : null;
  const scopes = scopeOrder((embedded.curves!.rows as { scope: string }[]).map((r) => r.scope));
  const kMax = Math.max(1, Math.min(100, cohort.length));

  const state: ReportState = {
    study: 'proteomics',
    classes,
    instances,
    scopes,
    order,
    defaultShown,
    maxShown: limits.maxShown,
    colorMax,
    instanceTopK: info.find((i) => i.name === 'edges_instance')?.rule?.includes('strongest pairs') ? limits.instanceTopK : null,
    prevalence,
    kMax,
    defaults: {
      className: classes[0] ?? null,
      instance: instances[0]?.id ?? null,
      k: Math.min(20, kMax),
      filter: '',
      scope: scopes.includes('cohort') ? 'cohort' : (scopes[0] ?? null),
    },
    tables: info,
  };
  return { state, tables: embedded };
}
