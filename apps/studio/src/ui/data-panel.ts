/** The loaded table: a preview, the guessed id/class/protein columns (changeable) and the CLI's notes on columns it would leave out. */
import { skippedColumns } from '@relevance/pipelines/src/io/select-columns.js';
import { STUDY_OPTION_NAMES } from '@relevance/pipelines/src/io/option-names.js';
import { cellValue, type LoadedTable } from '@relevance/pipelines/src/io/table.js';
import { guessColumns } from '../adapters/guess-columns.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

function fillSelect(select: HTMLSelectElement, names: string[], chosen: string | null, none: string): void {
  select.replaceChildren(new Option(none, ''), ...names.map((n) => new Option(n, n)));
  select.value = chosen ?? '';
}

function preview(table: LoadedTable): HTMLTableElement {
  const el = document.createElement('table');
  el.className = 'preview';
  const cols = table.columns.slice(0, 14);
  const head = el.createTHead().insertRow();
  for (const c of cols) head.insertCell().outerHTML = `<th>${c.name.replace(/</g, '&lt;')}<br><small>${c.type}, ${table.missing[c.name] ?? 0} missing</small></th>`;
  const body = el.createTBody();
  for (let r = 0; r < Math.min(table.rows, 12); r++) {
    const row = body.insertRow();
    for (const c of cols) row.insertCell().textContent = String(cellValue(c, r) ?? '');
  }
  return el;
}

/** Notes for the columns the study would leave out, with the CLI's reasons (first bad cell and its row). */
export function columnNotes(table: LoadedTable): string[] {
  const id = ($('id-column') as HTMLSelectElement).value || undefined;
  const cls = ($('class-column') as HTMLSelectElement).value;
  const features = ($('features') as HTMLInputElement).value.trim();
  const selection = { columns: features || undefined, exclude: cls ? [cls] : [], idColumn: id, names: STUDY_OPTION_NAMES };
  try {
    const proteins = features ? features.split(',').map((s) => s.trim()) : table.columns.filter((c) => c.type === 'number' && c.name !== id && c.name !== cls).map((c) => c.name);
    return skippedColumns(table, proteins, selection).map((s) => `column '${s.column}': ${s.reason}`);
  } catch (e) {
    return [(e as Error).message];
  }
}

export function showTable(table: LoadedTable): void {
  const guess = guessColumns(table);
  const names = table.columns.map((c) => c.name);
  fillSelect($('id-column'), names, guess.id, '(row number)');
  fillSelect($('class-column'), names, guess.class, '(no classes)');
  ($('features') as HTMLInputElement).value = '';
  ($('features') as HTMLInputElement).placeholder = `every numeric column except id and class (${guess.proteins.length})`;
  $('column-choice').hidden = false;
  $('data-summary').textContent = `${table.source}: ${table.rows} rows, ${table.columns.length} columns`;
  $('preview').replaceChildren(preview(table));
  const refresh = (): void => void $('column-notes').replaceChildren(...columnNotes(table).map((n) => Object.assign(document.createElement('div'), { textContent: n })));
  for (const id of ['id-column', 'class-column', 'features']) $(id).onchange = refresh;
  refresh();
}

/** The data options for the study's parser. */
export function dataArgv(fileName: string, study: 'proteomics' | 'influence' = 'proteomics'): string[] {
  const argv = [`--data=${fileName}`];
  const id = ($('id-column') as HTMLSelectElement).value;
  const cls = ($('class-column') as HTMLSelectElement).value;
  const features = ($('features') as HTMLInputElement).value.trim();
  if (id) argv.push(`--id-column=${id}`);
  if (cls) argv.push(`--${study === 'influence' ? 'label' : 'class'}-column=${cls}`);
  if (features) argv.push(`--features=${features}`);
  return argv;
}
