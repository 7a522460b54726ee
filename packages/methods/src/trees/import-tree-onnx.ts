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

/** What the helpers below share: the node's attributes, how to fail and what to call the node in messages. */
interface ImportContext {
  attrs: NodeAttributes;
  what: string;
  classifier: boolean;
  fail: (m: string) => never;
  need: <T>(v: T | undefined, name: string) => T;
}

/** The parallel nodes_* lists, checked for equal lengths. */
interface NodeLists {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  modes: string[];
  values: number[];
  trueIds: number[];
  falseIds: number[];
  missing: number[] | undefined;
  hitrates: number[] | undefined;
}

/** The split nodes linked by global index: the arrays a TreeEnsemble holds, plus the (tree, node id) lookup. */
interface LinkedNodes {
  index: Map<string, number>;
  feature: Int32Array;
  threshold: Float32Array;
  mode: Uint8Array;
  yes: Int32Array;
  no: Int32Array;
  missingYes: Uint8Array;
  isChild: Uint8Array;
  features: number;
}

/** The leaf values, base values and output layout read from the target_* / class_* attributes. */
interface LeafWeights {
  outputs: number;
  classLabels: Array<number | string> | undefined;
  binaryMargin: boolean;
  leafValue: Float64Array;
  base: Float64Array;
}

const nodeKey = (t: number, n: number): string => `${t}:${n}`;

/** The one tree-ensemble node of the graph; every other node must be a pass-through. */
function ensembleNode(nodes: NodeProto[], source: string): NodeProto {
  const trees = nodes.filter((n) => (TREE_ENSEMBLE_OPS as readonly string[]).includes(n.op_type ?? ''));
  if (trees.length !== 1) throw new OnnxError(`${source}: expected one TreeEnsembleRegressor or TreeEnsembleClassifier node, found ${trees.length}; export one model per file`);
  const node: NodeProto = trees[0]!;
  const what = `${source}: ${node.op_type!} node '${node.name || '(unnamed)'}'`;
  if ((node.domain ?? '') !== ML_DOMAIN) throw new OnnxError(`${what} must be in the '${ML_DOMAIN}' domain, got '${node.domain ?? ''}'`);
  for (const other of nodes) {
    if (other === node) continue;
    if (!PASS_THROUGH.has(other.op_type ?? '')) {
      throw new OnnxError(`${source}: node '${other.name || '(unnamed)'}' (${other.op_type}) besides the tree ensemble is not supported; only ${[...PASS_THROUGH].join(', ')} may follow it: export the bare ensemble (the preprocessing can be applied to the table first)`);
    }
  }
  return node;
}

function readNodeLists({ attrs, what, fail, need }: ImportContext): NodeLists {
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
  return { treeIds, nodeIds, featureIds, modes, values, trueIds, falseIds, missing, hitrates };
}

/** Index the nodes by (tree, node id) and link each split to its children. */
function linkNodes(l: NodeLists, fail: (m: string) => never): LinkedNodes {
  const count = l.treeIds.length;
  // global index of (tree, node id)
  const index = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const k = nodeKey(l.treeIds[i]!, l.nodeIds[i]!);
    if (index.has(k)) fail(`node id ${l.nodeIds[i]} appears twice in tree ${l.treeIds[i]}`);
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
    if (l.modes[i] === 'LEAF') {
      feature[i] = -1;
      continue;
    }
    const m = (SPLIT_MODES as readonly string[]).indexOf(l.modes[i]!);
    if (m < 0) fail(`nodes_modes[${i}] is '${l.modes[i]}'; expected LEAF or one of ${SPLIT_MODES.join(', ')}`);
    const f = l.featureIds[i]!;
    if (!Number.isInteger(f) || f < 0) fail(`nodes_featureids[${i}] is ${f}; feature indices must be >= 0`);
    feature[i] = f;
    features = Math.max(features, f + 1);
    threshold[i] = l.values[i]!;
    mode[i] = m;
    missingYes[i] = l.missing?.[i] ? 1 : 0;
    const t = l.treeIds[i]!;
    const y = index.get(nodeKey(t, l.trueIds[i]!));
    const n = index.get(nodeKey(t, l.falseIds[i]!));
    if (y === undefined) fail(`node ${l.nodeIds[i]} of tree ${t}: its true child ${l.trueIds[i]} does not exist in that tree`);
    if (n === undefined) fail(`node ${l.nodeIds[i]} of tree ${t}: its false child ${l.falseIds[i]} does not exist in that tree`);
    yes[i] = y!;
    no[i] = n!;
    isChild[y!] = 1;
    isChild[n!] = 1;
  }
  return { index, feature, threshold, mode, yes, no, missingYes, isChild, features };
}

/** The root of each tree (the one node that is nobody's child), in order of tree id; checks that each tree is a tree. */
function findRoots(l: NodeLists, linked: LinkedNodes, fail: (m: string) => never): Int32Array {
  const { treeIds, nodeIds } = l;
  const { isChild, feature, yes, no } = linked;
  const count = treeIds.length;
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
  return roots;
}

/** The output count and class labels: classlabels_* for a classifier (binary margin when all weights go to one id), n_targets for a regressor. */
function outputLayout({ attrs, classifier, fail }: ImportContext, wIds: number[]): Pick<LeafWeights, 'outputs' | 'classLabels' | 'binaryMargin'> {
  if (!classifier) {
    const outputs = attrs.int('n_targets', 1);
    if (!(outputs >= 1)) fail(`n_targets is ${outputs}; it must be at least 1`);
    return { outputs, classLabels: undefined, binaryMargin: false };
  }
  const ints = attrs.ints('classlabels_int64s');
  const strings = attrs.strings('classlabels_strings');
  if ((ints && ints.length > 0) === (strings !== undefined && strings.length > 0)) fail('give exactly one of classlabels_int64s or classlabels_strings');
  const classLabels = ints && ints.length > 0 ? ints : strings!;
  const outputs = classLabels.length;
  const distinct = new Set(wIds);
  return { outputs, classLabels, binaryMargin: outputs === 2 && distinct.size === 1 };
}

/** The leaf values (scaled for AVERAGE ensembles) and base values from the target_* or class_* attributes. */
function readLeafWeights(ctx: ImportContext, linked: LinkedNodes, trees: number): LeafWeights {
  const { attrs, what, classifier, fail, need } = ctx;
  const prefix = classifier ? 'class' : 'target';
  const wTrees = need(attrs.ints(`${prefix}_treeids`), `${prefix}_treeids`);
  const wNodes = need(attrs.ints(`${prefix}_nodeids`), `${prefix}_nodeids`);
  const wIds = need(attrs.ints(`${prefix}_ids`), `${prefix}_ids`);
  const weights = need(floatsOf(attrs, `${prefix}_weights`, what), `${prefix}_weights`);
  for (const [name, list] of [[`${prefix}_nodeids`, wNodes], [`${prefix}_ids`, wIds], [`${prefix}_weights`, weights]] as const) {
    if (list.length !== wTrees.length) fail(`${name} has ${list.length} entries but ${prefix}_treeids has ${wTrees.length}`);
  }
  const { outputs, classLabels, binaryMargin } = outputLayout(ctx, wIds);
  const columns = binaryMargin ? 1 : outputs;
  const aggregate = classifier ? 'SUM' : attrs.string('aggregate_function', 'SUM');
  if (aggregate !== 'SUM' && aggregate !== 'AVERAGE') {
    fail(`aggregate_function ${aggregate} is not supported; Relevance reads SUM and AVERAGE ensembles (MIN and MAX are not additive over trees, so TreeSHAP does not apply)`);
  }
  const scale = aggregate === 'AVERAGE' ? 1 / trees : 1;
  const leafValue = new Float64Array(linked.feature.length * outputs);
  for (let i = 0; i < wTrees.length; i++) {
    const n = linked.index.get(nodeKey(wTrees[i]!, wNodes[i]!));
    if (n === undefined) fail(`${prefix}_nodeids[${i}] = ${wNodes[i]} does not exist in tree ${wTrees[i]}`);
    if (linked.feature[n!]! >= 0) fail(`${prefix}_nodeids[${i}] = ${wNodes[i]} (tree ${wTrees[i]}) is not a LEAF node`);
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
  return { outputs, classLabels, binaryMargin, leafValue, base };
}

/** Build a TreeEnsemble from a decoded ONNX-ML model. */
export function treeEnsembleFromProto(model: ModelProto, source: string): TreeEnsemble {
  const graph = model.graph!;
  const node = ensembleNode(graph.node ?? [], source);
  const what = `${source}: ${node.op_type!} node '${node.name || '(unnamed)'}'`;
  const fail = (m: string): never => {
    throw new OnnxError(`${what}: ${m}`);
  };
  const classifier = node.op_type === 'TreeEnsembleClassifier';
  const attrs = new NodeAttributes(node, classifier ? CLASSIFIER_ATTRIBUTES : REGRESSOR_ATTRIBUTES, fail);
  const need = <T>(v: T | undefined, name: string): T => (v === undefined ? fail(`attribute ${name} is missing`) : v);
  const ctx: ImportContext = { attrs, what, classifier, fail, need };

  const lists = readNodeLists(ctx);
  const linked = linkNodes(lists, fail);
  const roots = findRoots(lists, linked, fail);
  const { outputs, classLabels, binaryMargin, leafValue, base } = readLeafWeights(ctx, linked, roots.length);
  const post = attrs.string('post_transform', 'NONE');
  if (!(POST_TRANSFORMS as readonly string[]).includes(post)) fail(`post_transform ${post} is not supported; expected one of ${POST_TRANSFORMS.join(', ')}`);

  // input width: the graph input's declared width when there is one
  let features = linked.features;
  const input = (graph.input ?? [])[0];
  const dims = input?.type?.tensor_type?.shape?.dim ?? [];
  const declared = dims.length === 2 ? dims[1]!.dim_value : undefined;
  if (declared !== undefined && declared > 0) {
    if (declared < features) fail(`uses feature ${features - 1} but the graph input '${input!.name}' has only ${declared} features`);
    features = declared;
  }
  const { feature, threshold, mode, yes, no, missingYes } = linked;
  const cover = lists.hitrates ? Float64Array.from(lists.hitrates) : undefined;
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
