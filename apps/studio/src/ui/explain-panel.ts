/**
 * "Explain a model": pick an ONNX model and a table, choose a method of the
 * registry, see the attributions (a colour-scaled table of the first rows) and
 * download them as the CLI's attributions.csv. The root element carries
 * data-explain-state="running|done|failed".
 */
import { METHOD_REGISTRY } from '@relevance/methods';
import type { ExplainRequest, WorkerMessage } from '../protocol.js';
import { download } from './zip.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
/** Methods that need more than a model and rows (influence quantities, tree ensembles, SENN models). */
const NEEDS_MORE = new Set(['influence', 'trees', 'self-explaining']);
let lastCsv: Uint8Array | null = null;

export function setExplainState(state: 'running' | 'done' | 'failed'): void {
  document.documentElement.dataset.explainState = state;
  $<HTMLButtonElement>('explain-run').disabled = state === 'running';
}

export function fillMethods(): void {
  const select = $<HTMLSelectElement>('explain-method');
  for (const entry of METHOD_REGISTRY.values()) if (!NEEDS_MORE.has(entry.family)) select.add(new Option(`${entry.name} (${entry.family})`, entry.name));
  select.value = 'integrated-gradients';
  $('explain-download').onclick = () => lastCsv && download(lastCsv, 'attributions.csv', 'text/csv');
}

export async function explainRequest(): Promise<ExplainRequest> {
  const model = $<HTMLInputElement>('explain-model').files?.[0];
  const table = $<HTMLInputElement>('explain-table').files?.[0];
  if (!model || !table) throw new Error('pick an .onnx model and a table first');
  return { type: 'explain', model: { name: model.name, bytes: await model.arrayBuffer() }, table: { name: table.name, bytes: await table.arrayBuffer() }, method: $<HTMLSelectElement>('explain-method').value };
}

export function showAttributions(m: Extract<WorkerMessage, { type: 'explained' }>): void {
  lastCsv = m.csv;
  const max = Math.max(1e-30, ...m.preview.flatMap((row) => row.slice(1).map(Math.abs)));
  const table = document.createElement('table');
  table.className = 'preview';
  table.createTHead().insertRow().innerHTML = ['row', 'target', ...m.columns].map((c) => `<th>${c.replace(/</g, '&lt;')}</th>`).join('');
  const body = table.createTBody();
  m.preview.forEach((row, r) => {
    const tr = body.insertRow();
    tr.insertCell().textContent = m.ids[r] ?? String(r + 1);
    row.forEach((v, j) => {
      const td = tr.insertCell();
      td.textContent = j === 0 ? String(v) : v.toPrecision(3);
      if (j > 0) td.style.background = v >= 0 ? `rgba(200,40,40,${Math.abs(v) / max})` : `rgba(40,80,200,${Math.abs(v) / max})`;
    });
  });
  $('explain-output').replaceChildren(Object.assign(document.createElement('p'), { textContent: `${m.method} on ${m.backend}: ${m.rows} rows (first ${m.preview.length} shown; red positive, blue negative)` }), table);
  $('explain-download').hidden = false;
}
