/**
 * Transformer benchmark: a perturbation (AOPC) comparison of AttnLRP and
 * CP-LRP against gradient x input, integrated gradients and saliency on the
 * trained FT-Transformer fixture (test/fixtures/transformer/ft.onnx, 6
 * features, 2 encoder blocks, 3 classes; 256 held-out rows from data.json),
 * with each method's time and its ratio to gradient x input measured in the
 * same run (after a warm-up on 16 rows).
 *
 *   node dist/bench/transformer-bench.js [--backend wasm|reference] [--json <file>]
 *
 * AOPC (most relevant first, higher is better) and AOPC-LeRF (least relevant
 * first, lower is better) use the metric defaults of `relevance evaluate`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createBackend, type BackendName } from '@relevance/core-wasm';
import { compareExplanations, importOnnx } from '../src/index.js';

const DIR = fileURLToPath(new URL('../../test/fixtures/transformer/', import.meta.url));
const METHODS = ['input-x-gradient', 'integrated-gradients', 'saliency', 'lrp:attnlrp', 'lrp:cp-lrp'];
const METRICS = ['aopc', 'aopc-lerf'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const be = await createBackend((arg('--backend') ?? 'wasm') as BackendName);
  const data = JSON.parse(readFileSync(`${DIR}data.json`, 'utf8')) as { input: { shape: number[]; data: number[] }; ft_accuracy: number };
  const model = importOnnx(be, readFileSync(`${DIR}ft.onnx`), { source: 'ft.onnx' });
  const x = be.tensor(Float32Array.from(data.input.data), data.input.shape);
  // warm-up on 16 rows (JIT, kernel set-up), so the first method's time is not inflated
  const warm = be.slice(x, [0, 0], [16, data.input.shape[1]!]);
  await compareExplanations(model, warm, { methods: METHODS, metrics: METRICS, perRow: false });
  warm.dispose();
  const result = await compareExplanations(model, x, { methods: METHODS, metrics: METRICS, perRow: false });
  const base = result.seconds.get('input-x-gradient')!;
  console.log(`FT-Transformer (torch accuracy on these rows ${data.ft_accuracy.toFixed(3)}), ${data.input.shape[0]} rows, backend ${be.name}`);
  console.log('method                  aopc    aopc-lerf   ms      x input-x-gradient');
  const out: Array<Record<string, number | string>> = [];
  for (const m of METHODS) {
    const value = (metric: string): number => result.rows.find((r) => r.method === m && r.metric === metric && r.row === null)!.value;
    const s = result.seconds.get(m)!;
    const row = { method: m, aopc: value('aopc'), aopcLerf: value('aopc-lerf'), ms: s * 1000, ratio: s / base };
    out.push(row);
    console.log(`${m.padEnd(22)} ${row.aopc.toFixed(4).padStart(7)} ${row.aopcLerf.toFixed(4).padStart(10)} ${row.ms.toFixed(1).padStart(7)} ${row.ratio.toFixed(2).padStart(8)}`);
  }
  const json = arg('--json');
  if (json) writeFileSync(json, JSON.stringify({ backend: be.name, rows: out }, null, 2));
  x.dispose();
  model.dispose();
}

await main();
