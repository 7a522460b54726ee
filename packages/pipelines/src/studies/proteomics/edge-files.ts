/**
 * Edge lists given by the user: the truth (`--truth`: every protein must be in
 * the data) and prior knowledge (`--known-edges`: a larger curated list, used
 * where both ends are in the data). Columns `source,target` (case-insensitive)
 * or chosen ones, optionally `class` for class-specific truth; names can go
 * through a mapping table first (known-edge-match.ts).
 */
import { DataError } from '../../io/data-error.js';
import { readTable } from '../../io/read-table.js';
import { cellValue, type Table } from '../../io/table.js';
import { betterColumns, closestProtein, edgeColumns, matchWarning, readNameMap, type EdgeListOptions, type EdgeMatch } from './known-edge-match.js';

export type { EdgeListOptions, EdgeMatch } from './known-edge-match.js';

export interface EdgeList {
  path: string;
  /** All edges as undirected keys 'a|b' (a < b, protein indices). */
  undirected: Set<string>;
  /** Directed keys 'source>target'. */
  directed: Set<string>;
  /** Per class (when a class column is present): undirected and directed keys. */
  byClass: Map<string, { undirected: Set<string>; directed: Set<string> }>;
  /** Rows read and rows used. */
  rows: number;
  used: number;
  /** How the names met the data's (pairs in the file and in the data, unmatched names, the warning). */
  match: EdgeMatch;
}

export async function readEdgeList(path: string, proteins: readonly string[], kind: 'truth' | 'known', dropped: readonly string[] = [], options: EdgeListOptions = {}): Promise<EdgeList> {
  const nameMap = options.map ? await readNameMap(options.map) : null;
  return edgeListFromTable(await readTable(path), path, proteins, kind, dropped, options, nameMap);
}

/** An edge list from a table in memory (`path` names it in messages; `nameMap` renames the file's names to the data's). */
export function edgeListFromTable(
  table: Table,
  path: string,
  proteins: readonly string[],
  kind: 'truth' | 'known',
  dropped: readonly string[] = [],
  options: EdgeListOptions = {},
  nameMap: ReadonlyMap<string, string> | null = null,
): EdgeList {
  const [src, tgt] = edgeColumns(table, path, options.columns);
  const cls = table.columns.map((c) => c.name).find((n) => n.toLowerCase() === 'class');
  const index = new Map(proteins.map((p, i) => [p, i]));
  const col = (name: string) => table.columns.find((c) => c.name === name)!;
  const unknown = new Set<string>();
  const filePairs = new Set<string>();
  let mapped = 0;
  let emptyRows = 0;
  const rename = (v: string): string => {
    const m = nameMap?.get(v);
    if (m === undefined || m === v) return v;
    mapped++;
    return m;
  };
  const list: EdgeList = { path, undirected: new Set(), directed: new Set(), byClass: new Map(), rows: table.rows, used: 0, match: null as unknown as EdgeMatch };
  for (let r = 0; r < table.rows; r++) {
    const s0 = cellValue(col(src), r);
    const t0 = cellValue(col(tgt), r);
    if (s0 === null || t0 === null || s0 === '' || t0 === '') {
      if (kind === 'truth') throw new DataError(`${path}: row ${r + 1} has an empty source or target`);
      emptyRows++; // a known pair without a name in these columns: counted as not in the data
      continue;
    }
    const s = rename(String(s0));
    const t = rename(String(t0));
    if (s !== t) filePairs.add(s < t ? `${s}\u0000${t}` : `${t}\u0000${s}`);
    const a = index.get(s);
    const b = index.get(t);
    if (a === undefined) unknown.add(s);
    if (b === undefined) unknown.add(t);
    if (a === undefined || b === undefined || a === b) continue;
    const u = a < b ? `${a}|${b}` : `${b}|${a}`;
    const d = `${a}>${b}`;
    list.undirected.add(u);
    list.directed.add(d);
    if (cls) {
      const c = cellValue(col(cls), r);
      if (c !== null) {
        const key = String(c);
        if (!list.byClass.has(key)) list.byClass.set(key, { undirected: new Set(), directed: new Set() });
        list.byClass.get(key)!.undirected.add(u);
        list.byClass.get(key)!.directed.add(d);
      }
    }
    list.used++;
  }
  const unmatched = [...unknown].sort().map((name) => ({ name, closest: closestProtein(name, proteins) }));
  const base = { pairsInFile: filePairs.size + emptyRows, emptyRows, pairsInData: list.undirected.size, unmatched: unmatched.slice(0, 10), unmatchedCount: unmatched.length, mapped };
  const suggestions = base.pairsInData * 2 < base.pairsInFile ? betterColumns(table, [src, tgt], new Set(proteins)) : [];
  list.match = { ...base, warning: matchWarning(path, base, suggestions, nameMap !== null) };
  if (kind === 'truth' && unknown.size > 0) {
    const names = [...unknown].sort();
    const droppedHere = names.filter((n) => dropped.includes(n));
    throw new DataError(
      `${path}: the truth names ${names.length} protein${names.length === 1 ? '' : 's'} that ${names.length === 1 ? 'is' : 'are'} not in the data: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}` +
        (droppedHere.length ? ` (${droppedHere.join(', ')} ${droppedHere.length === 1 ? 'was' : 'were'} dropped for missing values: raise --max-missing)` : '') +
        `; fix the names, or remove those edges`,
    );
  }
  if (kind === 'known' && list.used === 0) {
    throw new DataError(`${path}: none of the ${table.rows} known edges joins two proteins of the data (${proteins.slice(0, 5).join(', ')}, ...); check that the edge list uses the data's protein names` + (list.match.warning ? ` (${list.match.warning.slice(path.length + 2)})` : ''));
  }
  return list;
}
