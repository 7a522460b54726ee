/**
 * How well an edge list's names meet the data's: the columns to read
 * (`--known-edges-columns a,b`), a name-mapping table (`--known-edges-map`:
 * first column the list's name, second the data's), and a report of the
 * names that matched nothing with their closest data names. A warning is
 * raised when fewer than half of the list's pairs are in the data, and it
 * names other columns of the file whose values match the data better.
 */
import { closestMatch } from '../../io/closest-match.js';
import { DataError } from '../../io/data-error.js';
import { readTable } from '../../io/read-table.js';
import { cellValue, type Table } from '../../io/table.js';

export interface EdgeListOptions {
  /** The source and target column names (default 'source' and 'target', any case). */
  columns?: readonly [string, string];
  /** A two-column table: the list's name, then the data's name. */
  map?: string;
}

export interface UnmatchedName {
  name: string;
  /** The data's closest name, or null when none is near. */
  closest: string | null;
}

export interface EdgeMatch {
  /** Distinct pairs (a != b) the file names. */
  pairsInFile: number;
  /** Rows with an empty source or target (counted in pairsInFile, never in the data). */
  emptyRows: number;
  /** Of those, pairs with both ends in the data. */
  pairsInData: number;
  /** Names that matched no protein, with the data's closest name (at most 10 listed). */
  unmatched: UnmatchedName[];
  unmatchedCount: number;
  /** Names changed by the mapping table. */
  mapped: number;
  /** Set when fewer than half of the file's pairs are in the data: what to do about it. */
  warning: string | null;
}

/** Upper-case letters and digits only: '14-3-3_beta' and '1433BETA' share the key '1433BETA'. */
export function nameKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The data's name closest to `name`: the same key first, then the smallest edit distance. */
export function closestProtein(name: string, proteins: readonly string[]): string | null {
  const key = nameKey(name);
  const same = proteins.find((p) => nameKey(p) === key);
  if (same) return same;
  return closestMatch(name, proteins) ?? null;
}

/** The source and target columns of an edge table: the chosen ones, or 'source'/'target' in any case. */
export function edgeColumns(table: Table, path: string, columns?: readonly [string, string]): [string, string] {
  const names = table.columns.map((c) => c.name);
  if (columns) {
    for (const c of columns) if (!names.includes(c)) throw new DataError(`${path}: --known-edges-columns names '${c}', which is not a column of the file (columns: ${names.join(', ')})`);
    return [columns[0], columns[1]];
  }
  const find = (wanted: string) => names.find((n) => n.toLowerCase() === wanted);
  const src = find('source');
  const tgt = find('target');
  if (!src || !tgt) throw new DataError(`${path}: an edge list needs columns 'source' and 'target' (found: ${names.join(', ')}); choose others with --known-edges-columns a,b`);
  return [src, tgt];
}

/** The mapping table as list name -> data name (first two columns). */
export async function readNameMap(path: string): Promise<Map<string, string>> {
  const table = await readTable(path);
  if (table.columns.length < 2) throw new DataError(`${path}: a name-mapping table needs two columns, the edge list's name then the data's name (found: ${table.columns.map((c) => c.name).join(', ')})`);
  const [from, to] = table.columns;
  const out = new Map<string, string>();
  for (let r = 0; r < table.rows; r++) {
    const a = cellValue(from!, r);
    const b = cellValue(to!, r);
    if (a !== null && b !== null && String(b) !== '') out.set(String(a), String(b));
  }
  return out;
}

/** Other column pairs of the file whose values are data names more often than the chosen ones ('a,b'), best first. */
export function betterColumns(table: Table, chosen: readonly [string, string], proteins: ReadonlySet<string>): string[] {
  const share = (name: string): number => {
    const col = table.columns.find((c) => c.name === name)!;
    let hits = 0;
    for (let r = 0; r < table.rows; r++) if (proteins.has(String(cellValue(col, r)))) hits++;
    return table.rows ? hits / table.rows : 0;
  };
  const base = Math.min(share(chosen[0]), share(chosen[1]));
  const others = table.columns.filter((c) => c.type === 'string' && !chosen.includes(c.name)).map((c, order) => ({ name: c.name, share: share(c.name), order })).filter((c) => c.share > base);
  // the two best columns, in the file's order (source before target)
  const best = others.sort((a, b) => b.share - a.share).slice(0, 2).sort((a, b) => a.order - b.order);
  return best.length === 2 ? [`${best[0]!.name},${best[1]!.name}`] : [];
}

/** The warning when fewer than half of the pairs matched, naming unmatched names, their closest data names, and better columns. */
export function matchWarning(path: string, m: Omit<EdgeMatch, 'warning'>, suggestions: string[], hasMap: boolean): string | null {
  if (m.pairsInFile === 0 || m.pairsInData * 2 >= m.pairsInFile) return null;
  const examples = m.unmatched.slice(0, 5).map((u) => (u.closest ? `${u.name} (closest: ${u.closest})` : u.name)).join(', ');
  const fixes = [
    ...suggestions.map((s) => `--known-edges-columns ${s}`),
    ...(hasMap ? [] : ['--known-edges-map names.csv (list name, data name)']),
  ];
  const empty = m.emptyRows ? `; ${m.emptyRows} rows have an empty name` : '';
  return `${path}: only ${m.pairsInData} of ${m.pairsInFile} known pairs are in the data; ${m.unmatchedCount} names match no protein, e.g. ${examples}${empty}` + (fixes.length ? `; try ${fixes.join(' or ')}` : '');
}

/** metrics.json entries under known_edges.match (the report shows the warning). */
export function knownEdgeMatchMetrics(m: EdgeMatch): Record<string, unknown> {
  return {
    'known_edges.match.pairs_in_file': m.pairsInFile,
    'known_edges.match.pairs_in_data': m.pairsInData,
    'known_edges.match.empty_rows': m.emptyRows,
    'known_edges.match.unmatched_names': m.unmatchedCount,
    'known_edges.match.unmatched_examples': m.unmatched,
    'known_edges.match.mapped_names': m.mapped,
    'known_edges.match.warning': m.warning,
  };
}
