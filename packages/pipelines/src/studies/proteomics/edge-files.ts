/**
 * Edge lists given by the user: the truth (`--truth`: every protein must be in
 * the data) and prior knowledge (`--known-edges`: a larger curated list, used
 * where both ends are in the data). Columns `source,target` (case-insensitive),
 * optionally `class` for class-specific truth.
 */
import { DataError } from '../../io/data-error.js';
import { readTable } from '../../io/read-table.js';
import { cellValue, type Table } from '../../io/table.js';

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
}

function findColumn(names: string[], wanted: string): string | undefined {
  return names.find((n) => n.toLowerCase() === wanted);
}

export async function readEdgeList(path: string, proteins: readonly string[], kind: 'truth' | 'known', dropped: readonly string[] = []): Promise<EdgeList> {
  return edgeListFromTable(await readTable(path), path, proteins, kind, dropped);
}

/** An edge list from a table in memory (`path` names it in messages). */
export function edgeListFromTable(table: Table, path: string, proteins: readonly string[], kind: 'truth' | 'known', dropped: readonly string[] = []): EdgeList {
  const names = table.columns.map((c) => c.name);
  const src = findColumn(names, 'source');
  const tgt = findColumn(names, 'target');
  if (!src || !tgt) throw new DataError(`${path}: an edge list needs columns 'source' and 'target' (found: ${names.join(', ')})`);
  const cls = findColumn(names, 'class');
  const index = new Map(proteins.map((p, i) => [p, i]));
  const col = (name: string) => table.columns.find((c) => c.name === name)!;
  const unknown = new Set<string>();
  const list: EdgeList = { path, undirected: new Set(), directed: new Set(), byClass: new Map(), rows: table.rows, used: 0 };
  for (let r = 0; r < table.rows; r++) {
    const s = cellValue(col(src), r);
    const t = cellValue(col(tgt), r);
    if (s === null || t === null) throw new DataError(`${path}: row ${r + 1} has an empty source or target`);
    const a = index.get(String(s));
    const b = index.get(String(t));
    if (a === undefined) unknown.add(String(s));
    if (b === undefined) unknown.add(String(t));
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
    throw new DataError(`${path}: none of the ${table.rows} known edges joins two proteins of the data (${proteins.slice(0, 5).join(', ')}, ...); check that the edge list uses the data's protein names`);
  }
  return list;
}
