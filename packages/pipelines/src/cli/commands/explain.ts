/**
 * `relevance explain`: one attribution method on a model and inputs. Method
 * options are kebab-case flags (--steps, --noise-level, --layer-rules ...);
 * a flag that the chosen method does not take is an error naming the flags it
 * does take. Output JSON {method, params, targets, shape, data, completeness?};
 * tables get one row per input row (id, target_name when the model knows its
 * classes, target, then one column per feature named as the model or the
 * input names it, else a_0, a_1, ...).
 */
import { classNamesOf, columnNamesFor, modelNames, type ModelNames } from '../model-names.js';
import { basename } from 'node:path';
import type { Backend, BackendName, Tensor } from '@relevance/core-wasm';
import { methodOptionFlag, methodOptions, optionHelp, type Attribution, type MethodEntry, type Model } from '@relevance/methods';
import { readArray, writeArray } from '../../io/arrays.js';
import { writeJsonAtomic } from '../../io/atomic-write.js';
import { DataError } from '../../io/data-error.js';
import { formatOfPath } from '../../io/file-format.js';
import { parseColumnSpec } from '../../io/select-columns.js';
import type { ParsedArgs as Args } from '../args.js';
import type { Command, OptionSpec } from '../command.js';
import { BACKEND_OPTION, FEATURES_OPTION, ID_COLUMN_OPTION, SQL_OPTION, idColumnOption, MODEL_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';
import { inputAndOut, readInput } from '../command-input.js';

/** Every method option as a flag, from the one option specification in methods (name, type, default, help, methods). */
export const METHOD_FLAGS: ReadonlyArray<OptionSpec & { key: string }> = methodOptions().map((o) => ({
  key: o.key,
  name: methodOptionFlag(o),
  type: o.type,
  ...(o.choices ? { choices: [...o.choices] } : {}),
  ...(o.placeholder ? { placeholder: o.placeholder } : {}),
  help: optionHelp(o),
}));

function flagFor(key: string): string {
  return METHOD_FLAGS.find((f) => f.key === key)?.name ?? key;
}

async function arrayTensor(be: Backend, path: string): Promise<Tensor> {
  const a = await readArray(path, { requireComplete: true });
  return be.tensor(a.data, a.shape);
}

/** --baseline: zero | mean | number | file; gradient methods take 'zero' / {mean}, perturbation methods a number or tensor. */
async function baselineValue(be: Backend, text: string, x: Tensor, entry: MethodEntry): Promise<unknown> {
  const gradientStyle = entry.family !== 'perturbation' && entry.family !== 'shapley';
  if (text === 'zero') return gradientStyle ? 'zero' : 0;
  if (text === 'mean') return be.mean(x, 0, true); // one row, shared by every input row
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return n;
  return arrayTensor(be, text);
}

async function targetValue(text: string): Promise<'argmax' | number | Int32Array> {
  if (text === 'argmax') return 'argmax';
  if (/^-?\d+$/.test(text)) return Number(text);
  const a = await readArray(text, { requireComplete: true });
  return Int32Array.from(a.data, (v, i) => {
    if (!Number.isInteger(v)) throw new DataError(`${text}: target ${i} is ${v}, not an integer output index`);
    return v;
  });
}

/** `--flag` spelling of an option key, for messages. */
const spellFlag = (key: string): string => `--${flagFor(key)}`;

/** Influence flags that cannot go together, before anything is loaded (exit 2). */
async function checkInfluenceFlags(args: Args, given: ReadonlyArray<OptionSpec & { key: string }>): Promise<void> {
  if (args.has('target')) throw new UsageError('--target does not apply to influence; choose the quantity with --qoi class:<c>|comparative:<a>,<b>|predicted');
  const { checkInfluenceOptions } = await import('@relevance/methods');
  const values: Record<string, unknown> = {};
  for (const f of given) values[f.key] = f.type === 'boolean' ? args.flag(f.name) : f.type === 'number' || f.type === 'integer' ? args.number(f.name) : args.string(f.name);
  try {
    checkInfluenceOptions(values, { spell: spellFlag, strictSeed: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** --slice and --qoi against the loaded model (exit 2, naming the flag and what it can be). */
async function checkInfluenceModel(args: Args, model: Model): Promise<void> {
  const { parseQuantity, outputWidth, moduleAlias, INPUT_SLICE } = await import('@relevance/methods');
  const slice = args.optionalString('slice');
  if (slice !== undefined && slice !== INPUT_SLICE && !model.hasNode(slice)) {
    const layers = model.nodes.map((n) => n.name + (moduleAlias(n.name) ? ` (${moduleAlias(n.name)})` : '')).join(', ');
    throw new UsageError(`--slice ${slice}: the model has no layer of that name; use 'input' or one of: ${layers}`);
  }
  const qoi = args.optionalString('qoi');
  if (qoi === undefined) return;
  try {
    parseQuantity(qoi, outputWidth(model), '--qoi');
  } catch (e) {
    throw new UsageError((e instanceof Error ? e.message : String(e)).replace(/^influence: /, ''));
  }
}

/** An attribution's .json document: {method, params, targets, shape, layer?, data, ...extra, completeness?}. */
function attributionJson(a: Attribution, data: ArrayLike<number>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const c = a.completeness;
  return {
    method: a.method,
    params: a.params,
    targets: Array.from(a.targets),
    shape: a.shape,
    ...(a.layer ? { layer: a.layer } : {}),
    data: Array.from(data),
    ...extra,
    ...(c ? { completeness: { reference: c.reference, sums: Array.from(c.sums), expected: Array.from(c.expected), error: Array.from(c.error), max_abs_error: c.maxAbsError, max_rel_error: c.maxRelError } } : {}),
  };
}

/** The attributions as .json ({method, params, targets, shape, layer?, data, completeness?}) or a table (id, target, a_0, ...). */
async function writeAttribution(outPath: string, a: Attribution, rows: number, ids: { ids?: (string | number)[]; idName?: string }, names: ModelNames & { inputColumns?: string[] } = {}): Promise<void> {
  if (formatOfPath(outPath) === 'json') {
    await writeJsonAtomic(outPath, attributionJson(a, a.values));
    return;
  }
  const width = a.values.length / rows;
  const data = new Float32Array(rows * (width + 1));
  for (let r = 0; r < rows; r++) {
    data[r * (width + 1)] = a.targets[r]!;
    data.set(a.values.subarray(r * width, (r + 1) * width), r * (width + 1) + 1);
  }
  await writeArray(outPath, {
    shape: [rows, width + 1],
    data,
    // feature names from the model (.relevance metadata) or the input's columns; a_<j> when neither fits
    columnNames: ['target', ...columnNamesFor(width, a.layer ? [] : [names.features, names.inputColumns], 'a_', ['target', 'target_name', ids.idName ?? 'id'])],
    ...(ids.ids ? { ids: ids.ids, idName: ids.idName ?? 'id' } : {}),
    ...(names.classes ? { labels: [{ name: 'target_name', values: classNamesOf(a.targets, names.classes)! }] } : {}),
  });
}

/** The formats explain writes, as the --out messages list them. */
const EXPLAIN_FORMATS = '.json, .csv, .parquet or .arrow';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'attribute a model\'s outputs to its inputs with one method (gradients, IG, SmoothGrad, CAM, occlusion, LIME, SHAP, LRP, ...)',
  usage: 'explain --model <m.onnx|m.relevance> (--input <file> | --sql <query>) --method <name> [--target argmax|<k>|<file>] [method options] --out <file>',
  description:
    'Methods: saliency, saliency-squared, input-x-gradient, integrated-gradients, smoothgrad, smooth-taylor, guided-backprop, deconvolution, deeplift, ' +
    'grad-cam, grad-cam-plus-plus, ablation-cam, score-cam, occlusion, feature-ablation, lime, kernel-shap, shapley-exact, shapley-sampling, lrp, influence, tree-shap.\n' +
    'tree-shap (ONNX-ML tree ensembles only; Lundberg et al. 2020): exact Shapley values of the raw score (margin) per row; interventional against --background rows (default), ' +
    'or path-dependent with covers (--algorithm path-dependent, covers from the file or --covers rows); --interactions adds SHAP interaction values to .json output.\n' +
    'influence (Leino et al. 2018; TruLens InternalInfluence): --slice, --qoi and --doi choose where, what and around what; the output is shaped like the slice ' +
    '(--qoi replaces --target; --multiply-activation gives gradient x (activation - baseline)).\n' +
    'Method options are given as flags (both --flag value and --flag=value; negative numbers too: --low=-3). A flag the method does not take is an error.\n' +
    'Output .json: {"method", "params", "targets", "shape", "data", "completeness"?}; .csv/.parquet/.arrow: one row per input row.',
  options: [
    MODEL_OPTION,
    { name: 'input', type: 'string', placeholder: 'file', help: 'inputs: .json array or a table' },
    SQL_OPTION,
    { name: 'method', type: 'string', required: true, help: 'the attribution method (see the list above)' },
    { name: 'target', type: 'string', default: 'argmax', placeholder: 'argmax|k|file', help: 'output explained: the predicted class (argmax), one index for all rows, or a file with one index per row' },
    { name: 'out', type: 'string', required: true, placeholder: 'file', help: 'where to write the attributions (.json, .csv, .parquet, .arrow); written atomically' },
    FEATURES_OPTION,
    ID_COLUMN_OPTION,
    BACKEND_OPTION,
    { name: 'batch-size', type: 'integer', help: 'rows (or perturbed copies) per internal batch' },
    ...METHOD_FLAGS.map(({ key: _key, ...spec }) => spec),
  ],
  examples: [
    'relevance explain --model cnn.onnx --input inputs.json --method integrated-gradients --steps 64 --integration riemann-trapezoid --out ig.json',
    'relevance explain --model cnn.onnx --input inputs.json --method grad-cam --layer conv2 --upsample bilinear --out cam.json',
    'relevance explain --model mlp.onnx --input x.csv --method lrp --layer-rules fc1=zbox,fc2=gamma,fc3=epsilon --low=-3 --high 3 --out lrp.parquet',
    'relevance explain --model gbm.onnx --input x.csv --method tree-shap --background train-sample.csv --out shap.parquet',
    'relevance explain --model mlp.onnx --input x.json --method influence --slice relu1 --qoi comparative:0,2 --doi linear --steps 8 --integration uniform-endpoints --activation-baseline zero --multiply-activation --out infl.json',
  ],
  async run(args, io) {
    if (args.string('method') === TREE_SHAP_NAME) return explainTrees(args, io);
    for (const f of TREE_ONLY_FLAGS) if (args.has(f)) throw new UsageError(`--${f} applies to --method tree-shap only`);
    // loaded on use, so `relevance --help` starts without the compute engine
    const { methodEntry } = await import('@relevance/methods');
    const { loadAnyModel } = await import('../load-model.js');
    const entry = methodEntry(args.string('method'));
    // options that do not apply to the method
    const given = METHOD_FLAGS.filter((f) => args.has(f.name));
    const foreign = given.filter((f) => !entry.options.includes(f.key));
    if (foreign.length) {
      const takes = entry.options.map(flagFor).map((f) => `--${f}`).join(', ') || 'no options';
      throw new UsageError(`${foreign.map((f) => `--${f.name}`).join(', ')} ${foreign.length === 1 ? 'does' : 'do'} not apply to ${entry.name}; it takes ${takes}`);
    }
    const isInfluence = entry.family === 'influence';
    if (isInfluence) await checkInfluenceFlags(args, given);
    const { source, outPath } = inputAndOut(args, EXPLAIN_FORMATS);
    const input = await readInput(args, source, io.stderr, true);
    const { createBackend } = await import('@relevance/core-wasm');
    const be = await createBackend(args.string('backend') as 'auto' | BackendName);
    let model: Model | null = null;
    try {
      const loaded = await loadAnyModel(be, args.string('model'));
      if (loaded.kind === 'trees') {
        const { TREE_MODEL_FAMILIES, treeEnsembleModel } = await import('@relevance/methods');
        if (!TREE_MODEL_FAMILIES.includes(entry.family)) {
          throw new UsageError(`--method ${entry.name} needs a differentiable graph model, and ${args.string('model')} is a tree ensemble; use tree-shap, or a model-agnostic method: kernel-shap, shapley-exact, shapley-sampling, occlusion, feature-ablation, lime`);
        }
        model = treeEnsembleModel(be, loaded.trees);
      } else model = loaded.model;
      if (isInfluence) await checkInfluenceModel(args, model);
      const modelRow = model.inputs[0]!.shape.slice(1);
      const rows = input.shape[0]!;
      const perRow = input.data.length / Math.max(rows, 1);
      const rowShape = modelRow.every((d) => d > 0) && modelRow.reduce((a, b) => a * b, 1) === perRow ? modelRow : input.shape.slice(1);
      const x = be.tensor(input.data, [rows, ...rowShape]);
      // influence takes its quantity from --qoi
      const options: Record<string, unknown> = isInfluence ? {} : { target: await targetValue(args.string('target')) };
      if (args.has('batch-size')) options.batchSize = args.number('batch-size');
      for (const f of given) {
        if (f.key === 'baseline') options.baseline = await baselineValue(be, args.string('baseline'), x, entry);
        else if (f.key === 'background') options.background = await arrayTensor(be, args.string('background'));
        else if (f.key === 'groups') {
          const g = await readArray(args.string('groups'), { requireComplete: true });
          options.groups = Int32Array.from(g.data);
        } else if (f.key === 'upsample') options.upsample = args.string('upsample');
        else if (f.type === 'boolean') options[f.key] = args.flag(f.name);
        else if (f.type === 'number' || f.type === 'integer') options[f.key] = args.number(f.name);
        else if (f.type === 'dims') {
          const d = args.dims(f.name)!;
          options[f.key] = f.key === 'stride' && d.length === 1 ? d[0] : d;
        } else options[f.key] = args.string(f.name);
      }
      io.progress.start(`${entry.name} on ${rows} rows`, 0);
      const a: Attribution = await entry.run(model, x, options);
      io.progress.done(`${entry.name}: [${a.shape.join(', ')}]${a.completeness ? `, completeness max |error| ${a.completeness.maxAbsError.toExponential(2)}` : ''}`);
      await writeAttribution(outPath, a, rows, { ids: input.ids, idName: input.idName }, { ...modelNames(loaded.kind === 'model' ? loaded.metadata : undefined), inputColumns: input.columnNames });
      io.stdout.write(`${entry.name}: wrote ${basename(outPath)} (${rows} rows, shape [${a.shape.join(', ')}])\n`);
    } finally {
      model?.dispose();
      be.destroy();
    }
  },
};

const TREE_SHAP_NAME = 'tree-shap';
const TREE_ONLY_FLAGS = ['algorithm', 'covers', 'interactions', 'threads'];
const TREE_SHAP_FLAGS = ['target', 'background', 'algorithm', 'covers', 'interactions', 'threads'];

/** Rows of an array file or table, as the ensemble's features wide. */
async function treeRows(path: string, features: number, what: string, columns: string[]): Promise<Float32Array> {
  const a = await readArray(path, { ...(columns.length ? { columns: parseColumnSpec(columns) } : {}), requireComplete: true });
  const width = a.shape.slice(1).reduce((p, d) => p * d, 1);
  if (width !== features) throw new DataError(`${path}: ${what} rows have ${width} values but the model uses ${features} features; choose the feature columns with --features`);
  return a.data;
}

/** `explain --method tree-shap`: exact TreeSHAP on an ONNX-ML tree ensemble. */
async function explainTrees(args: Args, io: Parameters<Command['run']>[1]): Promise<void> {
  const foreign = METHOD_FLAGS.filter((f) => args.has(f.name) && !TREE_SHAP_FLAGS.includes(f.key));
  if (foreign.length) throw new UsageError(`${foreign.map((f) => `--${f.name}`).join(', ')} ${foreign.length === 1 ? 'does' : 'do'} not apply to tree-shap; it takes --background, --algorithm, --covers, --interactions, --threads`);
  if (args.has('batch-size')) throw new UsageError('--batch-size does not apply to tree-shap');
  const algorithm = (args.optionalString('algorithm') ?? 'interventional') as 'interventional' | 'path-dependent';
  if (algorithm === 'interventional' && args.has('covers')) throw new UsageError('--covers applies to --algorithm path-dependent; interventional TreeSHAP uses --background');
  if (algorithm === 'path-dependent' && args.has('background')) throw new UsageError('--background applies to the interventional algorithm; path-dependent TreeSHAP uses covers (--covers rows, or the file\'s nodes_hitrates)');
  if (algorithm === 'interventional' && !args.has('background')) throw new UsageError('tree-shap needs --background <file> (rows the features are drawn from when absent, e.g. 100 training rows), or --algorithm path-dependent');
  const { source, outPath } = inputAndOut(args, EXPLAIN_FORMATS);
  if (args.flag('interactions') && formatOfPath(outPath) !== 'json') throw new UsageError(`--interactions writes [rows, features, features] values: use a .json --out, got ${outPath}`);
  const modelPath = args.string('model');
  const { createBackend } = await import('@relevance/core-wasm');
  const be = await createBackend('reference');
  const { loadAnyModel } = await import('../load-model.js');
  let loaded;
  try {
    loaded = await loadAnyModel(be, modelPath);
  } finally {
    be.destroy();
  }
  if (loaded.kind !== 'trees') {
    loaded.model.dispose();
    throw new UsageError(`--method tree-shap explains ONNX-ML tree ensembles; ${modelPath} is a graph model: use kernel-shap, shapley-exact or shapley-sampling for Shapley values`);
  }
  let trees = loaded.trees;
  if (algorithm === 'path-dependent' && !trees.cover && !args.has('covers')) {
    throw new UsageError(`--algorithm path-dependent needs node covers and ${modelPath} has none (no nodes_hitrates); add --covers <training rows>, or use the interventional algorithm with --background`);
  }
  const columns = args.list('features');
  const input = await readArray(source.path ?? { sql: source.sql! }, {
    ...(columns.length ? { columns: parseColumnSpec(columns) } : {}),
    idColumn: idColumnOption(args.optionalString('id-column')),
    requireComplete: false,
  });
  const rows = input.shape[0]!;
  const width = input.shape.slice(1).reduce((p, d) => p * d, 1);
  if (width !== trees.features) throw new DataError(`${source.path ?? '--sql query'}: each row has ${width} values but ${basename(modelPath)} uses ${trees.features} features; choose the feature columns with --features`);
  const { treeShap, withCoversFromData } = await import('@relevance/methods');
  const target = await targetValue(args.string('target'));
  const background = args.has('background') ? await treeRows(args.string('background'), trees.features, 'background', columns) : undefined;
  if (args.has('covers')) {
    const c = await treeRows(args.string('covers'), trees.features, 'covers', columns);
    trees = withCoversFromData(trees, c, c.length / trees.features);
  }
  io.progress.start(`tree-shap on ${rows} rows`, 0);
  const t0 = performance.now();
  const threads = args.has('threads') ? args.number('threads') : undefined;
  const a = treeShap(trees, input.data, rows, { target, algorithm, interactions: args.flag('interactions'), ...(background ? { background } : {}), ...(threads ? { threads } : {}) });
  const seconds = (performance.now() - t0) / 1000;
  io.progress.done(`tree-shap (${algorithm}): [${a.shape.join(', ')}] in ${seconds.toFixed(2)} s, completeness max |error| ${a.completeness!.maxAbsError.toExponential(2)}`);
  if (formatOfPath(outPath) === 'json') {
    await writeJsonAtomic(outPath, attributionJson(a, a.values64, {
      expected_value: Array.from(a.expectedValue),
      prediction: Array.from(a.prediction),
      ...(a.interactions ? { interactions: { shape: [rows, trees.features, trees.features], data: Array.from(a.interactions) } } : {}),
    }));
  } else {
    await writeAttribution(outPath, a, rows, { ids: input.ids, idName: input.idName });
  }
  io.stdout.write(`tree-shap: wrote ${basename(outPath)} (${rows} rows, shape [${a.shape.join(', ')}], expected value ${a.expectedValue[0]!.toPrecision(6)})\n`);
}
