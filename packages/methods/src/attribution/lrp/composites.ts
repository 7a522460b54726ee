/**
 * Composites as data: ordered entries that map layers (by kind, by "the first
 * layer of a kind", or by name) to rules; the first matching entry wins, as
 * in Zennit's LayerMapComposite / SpecialFirstLayerMapComposite. The stock
 * composites follow Zennit 0.5.1's *layer-type* semantics: "convolution" means
 * Conv2d only and "Linear" means Dense only, so EpsilonGammaBox on an MLP is
 * Epsilon everywhere.
 */
import { moduleAlias, type Model, type Node } from '../../model/model.js';
import { AttributionError } from '../types.js';
import { createRule, LRP_RULES, ruleDefinition, type LrpRule, type RuleParameters } from './rules/index.js';

/** Layer kinds a composite entry can match. */
export type LayerKind =
  | 'dense'
  | 'conv'
  /** Dense or Conv2d (zennit.types.Linear). */
  | 'linear'
  /** Elementwise activations (ReLU, LeakyReLU, Sigmoid, Tanh). */
  | 'activation'
  /** AvgPool2d and GlobalAveragePool. */
  | 'avgpool'
  /** Add (zennit's Sum). */
  | 'sum'
  | 'batchnorm'
  /** Transformers: LayerNorm, Softmax, products of computed values (MatMul, Mul; Div / ReduceMean of one input), and the attention-weights-times-values MatMul (first input a Softmax output). */
  | 'layernorm'
  | 'softmax'
  | 'product'
  | 'attention';

export type LayerMatch =
  /** Every layer of a kind, or (first: true) only the first one in graph order. */
  | { kind: LayerKind; first?: boolean }
  /** Layers by node name, output name or PyTorch module name. */
  | { names: readonly string[] };

export interface CompositeEntry {
  match: LayerMatch;
  rule: string;
  /** Rule parameters the composite fixes (the others come from the lrp options). */
  params?: Readonly<RuleParameters>;
}

export interface Composite {
  name: string;
  description: string;
  entries: readonly CompositeEntry[];
  /** The output relevance this composite starts from unless told otherwise (default 'logit'). */
  outputRelevance?: 'logit' | 'one';
}

/** Zennit's layer_map_base: activations pass relevance through, average pools and sums normalise. */
const BASE: readonly CompositeEntry[] = [
  { match: { kind: 'activation' }, rule: 'pass' },
  { match: { kind: 'sum' }, rule: 'norm' },
  { match: { kind: 'avgpool' }, rule: 'norm' },
  { match: { kind: 'batchnorm' }, rule: 'pass' },
];

/** Transformer layers shared by AttnLRP and CP-LRP. */
const TRANSFORMER: readonly CompositeEntry[] = [{ match: { kind: 'layernorm' }, rule: 'layernorm' }];

const composites = new Map<string, Composite>(
  ([
    {
      name: 'epsilon-plus',
      description: 'ZPlus on Conv2d, Epsilon on Dense (Zennit EpsilonPlus)',
      entries: [...BASE, { match: { kind: 'conv' }, rule: 'zplus' }, { match: { kind: 'dense' }, rule: 'epsilon' }],
    },
    {
      name: 'epsilon-plus-flat',
      description: 'Flat on the first Dense/Conv2d, ZPlus on other Conv2d, Epsilon on other Dense (Zennit EpsilonPlusFlat)',
      entries: [{ match: { kind: 'linear', first: true }, rule: 'flat' }, ...BASE, { match: { kind: 'conv' }, rule: 'zplus' }, { match: { kind: 'dense' }, rule: 'epsilon' }],
    },
    {
      name: 'epsilon-gamma-box',
      description: 'ZBox(low, high) on the first Conv2d, Gamma on other Conv2d, Epsilon on Dense (Zennit EpsilonGammaBox)',
      entries: [{ match: { kind: 'conv', first: true }, rule: 'zbox' }, ...BASE, { match: { kind: 'conv' }, rule: 'gamma' }, { match: { kind: 'dense' }, rule: 'epsilon' }],
    },
    {
      name: 'epsilon-alpha2-beta1',
      description: 'AlphaBeta(2, 1) on Conv2d, Epsilon on Dense (Zennit EpsilonAlpha2Beta1)',
      entries: [...BASE, { match: { kind: 'conv' }, rule: 'alpha-beta', params: { alpha: 2, beta: 1 } }, { match: { kind: 'dense' }, rule: 'epsilon' }],
    },
    {
      name: 'epsilon-alpha2-beta1-flat',
      description: 'Flat on the first Dense/Conv2d, AlphaBeta(2, 1) on other Conv2d, Epsilon on other Dense (Zennit EpsilonAlpha2Beta1Flat)',
      entries: [
        { match: { kind: 'linear', first: true }, rule: 'flat' },
        ...BASE,
        { match: { kind: 'conv' }, rule: 'alpha-beta', params: { alpha: 2, beta: 1 } },
        { match: { kind: 'dense' }, rule: 'epsilon' },
      ],
    },
    {
      name: 'attnlrp',
      description: 'AttnLRP (Achtibat et al. 2024): Epsilon on Dense, identity on activations (GELU), Uniform on products (attention matmuls), the Softmax rule, LayerNorm with constant std',
      entries: [...TRANSFORMER, { match: { kind: 'softmax' }, rule: 'softmax' }, { match: { kind: 'product' }, rule: 'uniform' }, ...BASE, { match: { kind: 'dense' }, rule: 'epsilon' }],
    },
    {
      name: 'cp-lrp',
      description: 'CP-LRP (Ali et al. 2022): as AttnLRP, but attention weights held constant (all relevance of A V to V)',
      entries: [...TRANSFORMER, { match: { kind: 'attention' }, rule: 'cp-attention' }, { match: { kind: 'product' }, rule: 'uniform' }, ...BASE, { match: { kind: 'dense' }, rule: 'epsilon' }],
    },
  ] satisfies Composite[]).map((c) => [c.name, c]),
);

/** Every composite by name (the stock ones and those registered since). */
export const COMPOSITES: ReadonlyMap<string, Composite> = composites;

/** Add a composite (plain data: entries mapping layers to registered rules). Taken names throw unless `replace` is set. */
export function registerComposite(composite: Composite, options: { replace?: boolean } = {}): void {
  if (composites.has(composite.name) && !options.replace) throw new AttributionError(`registerComposite: a composite named '${composite.name}' exists; pass { replace: true } to replace it`);
  if (LRP_RULES.has(composite.name)) throw new AttributionError(`registerComposite: '${composite.name}' names a rule; composites and rules share --rule, so their names must differ`);
  for (const e of composite.entries) ruleDefinition(e.rule);
  composites.set(composite.name, composite);
}

/** What a rule selection names: a composite, one rule everywhere, or rules per layer. */
export type RuleSelection = { composite: string } | { rule: string } | { layerRules: Record<string, string> };

/**
 * One text for `explain --rule` and `study --rule`: a composite name
 * ('epsilon-plus-flat'), a rule name for every Dense/Conv2d ('gamma'), or
 * rules per layer ('fc1=zbox,fc2=gamma').
 */
export function parseRuleSelection(text: string): RuleSelection {
  if (text.includes('=')) return { layerRules: parseLayerRules(text) };
  if (composites.has(text)) return { composite: text };
  if (!LRP_RULES.has(text)) throw new AttributionError(`unknown LRP rule '${text}'; rules: ${[...LRP_RULES.keys()].join(', ')}; composites: ${[...composites.keys()].join(', ')}; or per layer: fc1=zbox,fc2=gamma`);
  return { rule: text };
}

/** One rule on every Dense and Conv2d (output layer included), Pass on activations, Norm on average pools and sums. */
export function everywhereComposite(rule: string): Composite {
  const d = ruleDefinition(rule);
  // a rule may say what it means on a whole model (gradient-x-input: the input only at the first layer)
  if (d.everywhere) return d.everywhere;
  return { name: `${d.name}-everywhere`, description: `${d.name} on every Dense and Conv2d`, entries: [...BASE, { match: { kind: 'linear' }, rule: d.name }] };
}

/** A composite by name; unknown names throw listing the valid ones. */
export function compositeByName(name: string): Composite {
  const c = composites.get(name);
  if (!c) throw new AttributionError(`unknown LRP composite '${name}'; composites: ${[...composites.keys()].join(', ')} (or give one rule for every layer with --rule: ${[...LRP_RULES.keys()].join(', ')})`);
  return c;
}

/**
 * Parse the CLI form 'fc1=zbox,fc2=gamma,fc3=epsilon' (also accepts ';' and
 * spaces as separators). Rule names are checked here, layer names when the
 * model is known.
 */
export function parseLayerRules(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,;\s]+/).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new AttributionError(`--layer-rules: '${part}' is not LAYER=RULE (e.g. fc1=zbox,fc2=gamma,fc3=epsilon)`);
    const layer = part.slice(0, eq).trim();
    const rule = part.slice(eq + 1).trim();
    ruleDefinition(rule);
    if (out[layer] !== undefined) throw new AttributionError(`--layer-rules: layer '${layer}' is given twice`);
    out[layer] = rule;
  }
  return out;
}

const PRODUCT_TYPES = new Set(['MatMul', 'Mul']);

/** Whether a node multiplies attention weights (a Softmax output, its first input, maybe through Dropout / Identity) with values. */
function isAttentionValues(node: Node, model: Model): boolean {
  if (node.type !== 'MatMul') return false;
  let producer = model.nodes.find((n) => n.outputs.includes(node.inputs[0]!));
  while (producer && (producer.type === 'Dropout' || producer.type === 'Identity')) {
    const input = producer.inputs[0]!;
    producer = model.nodes.find((n) => n.outputs.includes(input));
  }
  return producer?.type === 'Softmax';
}

function kindOf(node: Node, model: Model): LayerKind[] {
  if (isAttentionValues(node, model)) return ['attention', 'product'];
  if (PRODUCT_TYPES.has(node.type) || ((node.type === 'Div' || node.type === 'ReduceMean') && node.inputs.length === 1)) return ['product'];
  switch (node.type) {
    case 'LayerNorm': return ['layernorm'];
    case 'Softmax': return ['softmax'];
    case 'Dense': return ['dense', 'linear'];
    case 'Conv2d': return ['conv', 'linear'];
    case 'AvgPool2d':
    case 'GlobalAveragePool': return ['avgpool'];
    case 'Add': return ['sum'];
    case 'BatchNorm': return ['batchnorm'];
    default: return node.op.activation ? ['activation'] : [];
  }
}

/** How a node is shown in messages and reports: its module name when it has one. */
export function layerName(node: Node): string {
  return moduleAlias(node.name) ?? node.name;
}

export interface ResolvedRules {
  /** Rule per node name (nodes without one use the plain gradient). */
  byNode: Map<string, LrpRule>;
  /** Rule label per layer (module name when known), every node listed, for `params`. */
  labels: Record<string, string>;
}

/**
 * Assign rules to the nodes of a (canonized) model: `layerRules` first (they
 * override), then the composite's entries in order. Throws for unknown layer
 * names, rules that do not fit their layer, and — when only `layerRules` are
 * given — Dense/Conv2d layers left without a rule.
 */
export function resolveRules(
  model: Model,
  composite: Composite | null,
  layerRules: Readonly<Record<string, string>> | null,
  params: RuleParameters,
  merged: ReadonlyMap<string, string> = new Map(),
): ResolvedRules {
  const entries: CompositeEntry[] = [];
  if (layerRules) {
    for (const [layer, rule] of Object.entries(layerRules)) {
      ruleDefinition(rule);
      if (merged.has(layer)) throw new AttributionError(`layer '${layer}' (BatchNorm) was merged into '${merged.get(layer)}' before LRP; give the rule for '${merged.get(layer)}' instead`);
      if (!model.hasNode(layer)) {
        const layers = model.nodes.map((n) => `${layerName(n)} (${n.type})`).join(', ');
        throw new AttributionError(`LRP layer rules: no layer named '${layer}'; layers: ${layers}`);
      }
      entries.push({ match: { names: [layer] }, rule });
    }
  }
  if (composite) entries.push(...composite.entries);
  else entries.push(...BASE);

  // the module name when it names this node alone ('blocks.0.attn' covers many nodes of a transformer), else the node name
  const labelKey = (node: Node): string => {
    const name = layerName(node);
    return model.hasNode(name) && model.node(name) === node ? name : node.name;
  };
  const firstOfKind = new Map<LayerKind, Node>();
  for (const n of model.nodes) for (const k of kindOf(n, model)) if (!firstOfKind.has(k)) firstOfKind.set(k, n);
  const cache = new Map<string, LrpRule>();
  const byNode = new Map<string, LrpRule>();
  const labels: Record<string, string> = {};
  const unassigned: string[] = [];
  for (const node of model.nodes) {
    const kinds = kindOf(node, model);
    const entry = entries.find((e) => {
      if ('names' in e.match) return e.match.names.some((name) => model.node(name) === node);
      return kinds.includes(e.match.kind) && (!e.match.first || firstOfKind.get(e.match.kind) === node);
    });
    if (!entry) {
      labels[labelKey(node)] = 'gradient';
      if (!composite && node.params.weight && node.op.linear) unassigned.push(layerName(node));
      continue;
    }
    const ruleParams: RuleParameters = { ...params };
    for (const [k, v] of Object.entries(entry.params ?? {})) {
      const given = params[k as keyof RuleParameters];
      if (given !== undefined && given !== v) {
        throw new AttributionError(`composite '${composite?.name}' fixes ${k}=${v} for '${entry.rule}', but ${k}=${given} was given; use --rule or --layer-rules for other values`);
      }
      ruleParams[k as keyof RuleParameters] = v;
    }
    const key = `${entry.rule}:${JSON.stringify(ruleParams)}`;
    let rule = cache.get(key);
    if (!rule) {
      try {
        rule = createRule(entry.rule, ruleParams);
      } catch (e) {
        if (e instanceof AttributionError) throw new AttributionError(`${e.message} (layer '${layerName(node)}')`);
        throw e;
      }
      cache.set(key, rule);
    }
    if (!rule.appliesTo(node)) {
      throw new AttributionError(`LRP rule '${rule.name}' does not apply to layer '${layerName(node)}' (${node.type}); it applies to ${ruleDefinition(rule.name).appliesToDescription}`);
    }
    byNode.set(node.name, rule);
    labels[labelKey(node)] = rule.label;
  }
  if (unassigned.length) {
    throw new AttributionError(`LRP layer rules leave ${unassigned.join(', ')} without a rule; name every Dense/Conv2d layer in --layer-rules, or add --composite or --rule for the rest`);
  }
  return { byNode, labels };
}
