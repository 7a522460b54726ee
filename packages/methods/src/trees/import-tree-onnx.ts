/**
 * ONNX-ML tree ensembles: one TreeEnsembleRegressor or TreeEnsembleClassifier
 * node (domain ai.onnx.ml, opsets 1 to 3, list or *_as_tensor attributes) ->
 * a TreeEnsemble. Identity, Cast and ZipMap nodes after it (what converters
 * add for the label and probability outputs) are accepted and ignored.
 * Every failure is an OnnxError naming the file, the node and the attribute.
 */
import { NodeAttributes } from '../onnx/onnx-attributes.js';
import { decodeOnnxModel } from '../onnx/onnx-codec.js';
import { OnnxError } from '../onnx/onnx-error.js';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/onnx-proto-types.js';
import { readFloat32 } from '../onnx/onnx-tensor.js';
import { POST_TRANSFORMS, SPLIT_MODES, TreeError, type PostTransform, type TreeEnsemble } from './tree-ensemble.js';

export const TREE_ENSEMBLE_OPS = ['TreeEnsembleRegressor', 'TreeEnsembleClassifier'] as const;
const ML_DOMAIN = 'ai.onnx.ml';
const PASS_THROUGH = new Set(['Identity', 'Cast', 'ZipMap']);

const NODE_ATTRIBUTES = [
  'nodes_treeids', 'nodes_nodeids', 'nodes_featureids', 'nodes_modes', 'nodes_values', 'nodes_values_as_tensor', 'nodes_truenodeids',
  'nodes_falsenodeids', 'nodes_missing_value_tracks_true', 'nodes_hitrates', 'nodes_hitrates_as_tensor', 'post_transform', 'base_values', 'base_values_as_tensor',
];
const REGRESSOR_ATTRIBUTES = [...NODE_ATTRIBUTES, 'n_targets', 'aggregate_function', 'target_ids', 'target_nodeids', 'target_treeids', 'target_weights', 'target_weights_as_tensor'];
const CLASSIFIER_ATTRIBUTES = [...NODE_ATTRIBUTES, 'class_ids', 'class_nodeids', 'class_treeids', 'class_weights', 'class_weights_as_tensor', 'classlabels_int64s', 'classlabels_strings'];

/** Whether a decoded model holds a tree ensemble (then importTreeEnsemble, not importOnnx, reads it). */
export function holdsTreeEnsemble(model: ModelProto): boolean {
  return (model.graph?.node ?? []).some((n) => (TREE_ENSEMBLE_OPS as readonly string[]).includes(n.op_type ?? '') && (n.domain ?? '') === ML_DOMAIN);
}

/** Whether an ONNX file's bytes hold a tree ensemble. */
export function isTreeEnsembleOnnx(bytes: Uint8Array, source = 'model.onnx'): boolean {
  return holdsTreeEnsemble(decodeOnnxModel(bytes, source));
}

function floatsOf(attrs: NodeAttributes, name: string, what: string): number[] | undefined {
  const list = attrs.floats(name);
  const t: TensorProto | undefined = attrs.tensor(`${name}_as_tensor`);
  if (list && t) throw new OnnxError(`${what}: both ${name} and ${name}_as_tensor are set; give one`);
  if (t) return Array.from(readFloat32(t, `${what} attribute ${name}_as_tensor`));
  return list;
}

/** Build a TreeEnsemble from a decoded ONNX-ML model. */
export function treeEnsembleFromProto(model: ModelProto, source: string): TreeEnsemble {
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const trees = nodes.filter((n) => (TREE_ENSEMBLE_OPS as readonly string[]).includes(n.op_type ?? ''));
  if (trees.length !== 1) throw new OnnxError(`${source}: expected one TreeEnsembleRegressor or TreeEnsembleClassifier node, found ${trees.length}; export one model per file`);
  const node: NodeProto = trees[0]!;
  const op = node.op_type!;
  const what = `${source}: ${op} node '${node.name || '(unnamed)'}'`;
  if ((node.domain ?? '') !== ML_DOMAIN) throw new OnnxError(`${what} must be in the '${ML_DOMAIN}' domain, got '${node.domain ?? ''}'`);
  for (const other of nodes) {
    if (other === node) continue;
    if (!PASS_THROUGH.has(other.op_type ?? '')) {
      throw new OnnxError(`${source}: node '${other.name || '(unnamed)'}' (${other.op_type}) besides the tree ensemble is not supported; only ${[...PASS_THROUGH].join(', ')} may follow it: export the bare ensemble (the preprocessing can be applied to the table first)`);
    }
  }
  const fail = (m: string): never => {
    throw new OnnxError(`${what}: ${m}`);
  };
  const classifier = op === 'TreeEnsembleClassifier';
  const attrs = new NodeAttributes(node, classifier ? CLASSIFIER_ATTRIBUTES : REGRESSOR_ATTRIBUTES, fail);
  const need = <T>(v: T | undefined, name: string): T => (v === undefined ? fail(`attribute ${name} is missing`) : v);

  const treeIds = need(attrs.ints('nodes_treeids'), 'nodes_treeids');
  const nodeIds = need(attrs.ints('nodes_nodeids'), 'nodes_nodeids');
  const featureIds = need(attrs.ints('nodes_featureids'), 'nodes_featureids');
  const modes = need(attrs.strings('nodes_modes'), 'nodes_modes');
  const values = need(floatsOf(attrs, 'nodes_values', what), 'nodes_values');
  const trueIds = need(attrs.ints('nodes_truenodeids'), 'nodes_truenodeids');
  const falseIds = need(attrs.ints('nodes_falsenodeids'), 'nodes_falsenodeids');
  const missing = attrs.ints('nodes_missing_value_tracks_true');
  const hitrates = floatsOf(attrs, 'nodes_hitrates', what);
  const count = treeIds.length;
  const lists: Array<[string, { length: number } | undefined]> = [
    ['nodes_nodeids', nodeIds], ['nodes_featureids', featureIds], ['nodes_modes', modes], ['nodes_values', values], ['nodes_truenodeids', trueIds],
    ['nodes_falsenodeids', falseIds], ['nodes_missing_value_tracks_true', missing], ['nodes_hitrates', hitrates],
  ];
  for (const [name, list] of lists) if (list && list.length !== count) fail(`${name} has ${list.length} entries but nodes_treeids has ${count}; the node lists must be parallel`);
  if (count === 0) fail('the ensemble has no nodes');

  // global index of (tree, node id)
  const index = new Map<string, number>();
  const key = (t: number, n: number): string => `${t}:${n}`;
  for (let i = 0; i < count; i++) {
    const k = key(treeIds[i]!, nodeIds[i]!);
    if (index.has(k)) fail(`node id ${nodeIds[i]} appears twice in tree ${treeIds[i]}`);
    index.set(k, i);
  }
  const feature = new Int32Array(count);
  const threshold = new Float32Array(count);
  const mode = new Uint8Array(count);
  const yes = new Int32Array(count);
  const no = new Int32Array(count);
  const missingYes = new Uint8Array(count);
  let features = 0;
  const isChild = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    if (modes[i] === 'LEAF') {
      feature[i] = -1;
      continue;
    }
    const m = (SPLIT_MODES as readonly string[]).indexOf(modes[i]!);
    if (m < 0) fail(`nodes_modes[${i}] is '${modes[i]}'; expected LEAF or one of ${SPLIT_MODES.join(', ')}`);
    const f = featureIds[i]!;
    if (!Number.isInteger(f) || f < 0) fail(`nodes_featureids[${i}] is ${f}; feature indices must be >= 0`);
    feature[i] = f;
    features = Math.max(features, f + 1);
    threshold[i] = values[i]!;
    mode[i] = m;
    missingYes[i] = missing?.[i] ? 1 : 0;
    const t = treeIds[i]!;
    const y = index.get(key(t, trueIds[i]!));
    const n = index.get(key(t, falseIds[i]!));
    if (y === undefined) fail(`node ${nodeIds[i]} of tree ${t}: its true child ${trueIds[i]} does not exist in that tree`);
    if (n === undefined) fail(`node ${nodeIds[i]} of tree ${t}: its false child ${falseIds[i]} does not exist in that tree`);
    yes[i] = y!;
    no[i] = n!;
    isChild[y!] = 1;
    isChild[n!] = 1;
  }
  // roots: the one node of each tree that is nobody's child, in order of tree id
  const rootOf = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    if (isChild[i]) continue;
    const t = treeIds[i]!;
    if (rootOf.has(t)) fail(`tree ${t} has more than one root (nodes ${nodeIds[rootOf.get(t)!]} and ${nodeIds[i]}); check nodes_truenodeids/falsenodeids`);
    rootOf.set(t, i);
  }
  const treeSet = [...new Set(treeIds)].sort((a, b) => a - b);
  for (const t of treeSet) if (!rootOf.has(t)) fail(`tree ${t} has no root (its nodes form a cycle)`);
  const roots = Int32Array.from(treeSet, (t) => rootOf.get(t)!);
  // cycles: a walk from each root must end within `count` steps
  const seen = new Uint8Array(count);
  for (const r of roots) {
    const stack = [r];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen[n]) fail(`node ${nodeIds[n]} of tree ${treeIds[n]} is reached twice; the tree's children must form a tree`);
      seen[n] = 1;
      if (feature[n]! >= 0) stack.push(yes[n]!, no[n]!);
    }
  }

  // leaf weights
  const prefix = classifier ? 'class' : 'target';
  const wTrees = need(attrs.ints(`${prefix}_treeids`), `${prefix}_treeids`);
  const wNodes = need(attrs.ints(`${prefix}_nodeids`), `${prefix}_nodeids`);
  const wIds = need(attrs.ints(`${prefix}_ids`), `${prefix}_ids`);
  const weights = need(floatsOf(attrs, `${prefix}_weights`, what), `${prefix}_weights`);
  for (const [name, list] of [[`${prefix}_nodeids`, wNodes], [`${prefix}_ids`, wIds], [`${prefix}_weights`, weights]] as const) {
    if (list.length !== wTrees.length) fail(`${name} has ${list.length} entries but ${prefix}_treeids has ${wTrees.length}`);
  }
  let outputs: number;
  let classLabels: Array<number | string> | undefined;
  let binaryMargin = false;
  if (classifier) {
    const ints = attrs.ints('classlabels_int64s');
    const strings = attrs.strings('classlabels_strings');
    if ((ints && ints.length > 0) === (strings !== undefined && strings.length > 0)) fail('give exactly one of classlabels_int64s or classlabels_strings');
    classLabels = ints && ints.length > 0 ? ints : strings!;
    outputs = classLabels.length;
    const distinct = new Set(wIds);
    binaryMargin = outputs === 2 && distinct.size === 1;
  } else {
    outputs = attrs.int('n_targets', 1);
    if (!(outputs >= 1)) fail(`n_targets is ${outputs}; it must be at least 1`);
  }
  const columns = binaryMargin ? 1 : outputs;
  const aggregate = classifier ? 'SUM' : attrs.string('aggregate_function', 'SUM');
  if (aggregate !== 'SUM' && aggregate !== 'AVERAGE') {
    fail(`aggregate_function ${aggregate} is not supported; Relevance reads SUM and AVERAGE ensembles (MIN and MAX are not additive over trees, so TreeSHAP does not apply)`);
  }
  const scale = aggregate === 'AVERAGE' ? 1 / roots.length : 1;
  const leafValue = new Float64Array(count * outputs);
  for (let i = 0; i < wTrees.length; i++) {
    const n = index.get(key(wTrees[i]!, wNodes[i]!));
    if (n === undefined) fail(`${prefix}_nodeids[${i}] = ${wNodes[i]} does not exist in tree ${wTrees[i]}`);
    if (feature[n!]! >= 0) fail(`${prefix}_nodeids[${i}] = ${wNodes[i]} (tree ${wTrees[i]}) is not a LEAF node`);
    const id = binaryMargin ? 0 : wIds[i]!;
    if (!(id >= 0 && id < columns)) fail(`${prefix}_ids[${i}] = ${wIds[i]} is out of range: ${columns} output column(s)`);
    if (binaryMargin) {
      leafValue[n! * 2 + 1]! += weights[i]! * scale;
      leafValue[n! * 2]! -= weights[i]! * scale;
    } else leafValue[n! * outputs + id]! += weights[i]! * scale;
  }
  const baseList = floatsOf(attrs, 'base_values', what) ?? [];
  const base = new Float64Array(outputs);
  if (baseList.length) {
    if (baseList.length !== columns) fail(`base_values has ${baseList.length} entries; expected ${columns} (one per ${classifier && !binaryMargin ? 'class' : binaryMargin ? 'margin column' : 'target'})`);
    if (binaryMargin) {
      base[1] = baseList[0]!;
      base[0] = -baseList[0]!;
    } else baseList.forEach((b, j) => (base[j] = b));
  }
  const post = attrs.string('post_transform', 'NONE');
  if (!(POST_TRANSFORMS as readonly string[]).includes(post)) fail(`post_transform ${post} is not supported; expected one of ${POST_TRANSFORMS.join(', ')}`);

  // input width: the graph input's declared width when there is one
  const input = (graph.input ?? [])[0];
  const dims = input?.type?.tensor_type?.shape?.dim ?? [];
  const declared = dims.length === 2 ? dims[1]!.dim_value : undefined;
  if (declared !== undefined && declared > 0) {
    if (declared < features) fail(`uses feature ${features - 1} but the graph input '${input!.name}' has only ${declared} features`);
    features = declared;
  }
  const cover = hitrates ? Float64Array.from(hitrates) : undefined;
  return {
    kind: 'tree-ensemble', source, task: classifier ? 'classification' : 'regression', features, outputs, roots, feature, threshold, mode, yes, no, missingYes,
    leafValue, base, ...(cover ? { cover } : {}), postTransform: post as PostTransform, ...(classLabels ? { classLabels } : {}), binaryMargin, inputName: input?.name ?? 'input',
  };
}

/** Read an ONNX-ML tree ensemble from an ONNX file's bytes. */
export function importTreeEnsemble(bytes: Uint8Array, options: { source?: string } = {}): TreeEnsemble {
  const source = options.source ?? 'model.onnx';
  const proto = decodeOnnxModel(bytes, source);
  if (!holdsTreeEnsemble(proto)) {
    throw new OnnxError(`${source}: holds no ONNX-ML TreeEnsembleRegressor or TreeEnsembleClassifier node; load graph models with importOnnx`);
  }
  return treeEnsembleFromProto(proto, source);
}

/** Read an .onnx file holding a tree ensemble (Node only). */
export async function loadTreeEnsembleFile(path: string): Promise<TreeEnsemble> {
  const { readFileBytes } = await import('../io/node-files.js');
  return importTreeEnsemble(await readFileBytes(path, 'the ONNX model'), { source: path });
}

export { TreeError };
