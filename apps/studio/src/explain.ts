/**
 * "Explain a model" in the worker: an ONNX model and a table, one method of
 * the registry with the CLI's defaults and target argmax, and the
 * attributions as the table `relevance explain --out attributions.csv` writes
 * (id, target, a_0, a_1, ...), on the CLI's default backend (auto).
 */
import { importOnnx, methodEntry, type Model } from '@relevance/methods';
import { arrayFromLoadedTable, arrayTable } from '@relevance/pipelines/src/io/arrays.js';
import { csvChunks } from '@relevance/pipelines/src/io/csv-text.js';
import { columnNamesFor } from '@relevance/pipelines/src/cli/model-names.js';
import { tableFromBytes } from './adapters/read-file.js';
import { studyBackend } from './backend.js';
import type { ExplainRequest, WorkerMessage } from './protocol.js';

export async function explain(request: ExplainRequest): Promise<Extract<WorkerMessage, { type: 'explained' }>> {
  const entry = methodEntry(request.method);
  const input = arrayFromLoadedTable(await tableFromBytes(request.table.bytes, request.table.name), { requireComplete: true });
  // the CLI's `relevance explain` default, --backend auto: WebGPU on a hardware adapter, else wasm
  const be = await studyBackend('auto', undefined, () => {});
  let model: Model | null = null;
  try {
    model = await importOnnx(be, new Uint8Array(request.model.bytes), { source: request.model.name });
    const rows = input.shape[0]!;
    const modelRow = model.inputs[0]!.shape.slice(1);
    const perRow = input.data.length / Math.max(rows, 1);
    const rowShape = modelRow.every((d) => d > 0) && modelRow.reduce((a, b) => a * b, 1) === perRow ? modelRow : input.shape.slice(1);
    const x = be.tensor(input.data, [rows, ...rowShape]);
    const a = await entry.run(model, x, { target: 'argmax' });
    x.dispose();
    // the CLI's table layout (commands/explain.ts writeAttribution): target, then the row's values
    const width = a.values.length / rows;
    const data = new Float32Array(rows * (width + 1));
    for (let r = 0; r < rows; r++) {
      data[r * (width + 1)] = a.targets[r]!;
      data.set(a.values.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
    }
    // the CLI's column names: the input's columns when they fit, else a_<j>
    const columns = ['target', ...columnNamesFor(width, [input.columnNames], 'a_', ['target', 'target_name', input.idName ?? 'id'])];
    const table = arrayTable('attributions.csv', { shape: [rows, width + 1], data, columnNames: columns, ...(input.ids ? { ids: input.ids, idName: input.idName ?? 'id' } : {}) });
    const csv = new TextEncoder().encode([...csvChunks(table, ',')].join(''));
    const preview = Array.from({ length: Math.min(rows, 50) }, (_, r) => Array.from(data.subarray(r * (width + 1), (r + 1) * (width + 1))));
    return { type: 'explained', csv, method: entry.name, backend: be.name, rows, columns: input.columnNames ?? columns.slice(1), preview, ids: (input.ids ?? []).slice(0, 50).map(String) };
  } finally {
    model?.dispose();
    be.destroy();
  }
}
