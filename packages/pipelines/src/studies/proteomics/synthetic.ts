/**
 * The built-in synthetic cohort: a known protein network with class-specific
 * signalling modules, so a run can report how well it recovers the truth.
 *
 * Proteins are grouped into modules of `moduleSize`. Each module is a small
 * tree: its first protein is the root, every other protein has one parent
 * inside the module (chosen at random among earlier members). A module is
 * either shared (active in every class) or class-specific (active in one or
 * two classes). In a class where a module is active, a child follows a
 * nonlinear structural equation of its parent,
 *   x_child = a * f(x_parent) + sigma * noise,
 * with f drawn per edge from {tanh(2u), u^2 - 1, sin(2u), |u| - 0.8, u};
 * where it is inactive, its proteins are independent noise. A weak shared
 * factor adds small correlations between all proteins (as real RPPA data have),
 * which hurts plain correlation more than conditional methods.
 */
import { Generator } from '@relevance/core-wasm';

export interface SyntheticCohortOptions {
  proteins?: number;
  classes?: number;
  instancesPerClass?: number;
  moduleSize?: number;
  /** Modules active in every class. */
  sharedModules?: number;
  noise?: number;
  seed?: number;
}

export interface SyntheticEdge {
  source: string;
  target: string;
  /** Classes where the edge is active. */
  classes: string[];
  shared: boolean;
  fn: string;
}

export interface SyntheticCohort {
  proteins: string[];
  classes: string[];
  ids: string[];
  labels: string[];
  /** Row-major instances x proteins. */
  values: Float64Array;
  edges: SyntheticEdge[];
  options: Required<SyntheticCohortOptions>;
}

const FUNCTIONS: Array<[string, (u: number) => number]> = [
  ['tanh(2u)', (u) => Math.tanh(2 * u)],
  ['u^2-1', (u) => u * u - 1],
  ['sin(2u)', (u) => Math.sin(2 * u)],
  ['|u|-0.8', (u) => Math.abs(u) - 0.8],
  ['u', (u) => u],
];

export const SYNTHETIC_DEFAULTS: Required<SyntheticCohortOptions> = {
  proteins: 40,
  classes: 4,
  instancesPerClass: 750,
  moduleSize: 5,
  sharedModules: 2,
  noise: 0.5,
  seed: 20240601,
};

export function proteinName(i: number): string {
  return `P${String(i + 1).padStart(2, '0')}`;
}

export function generateSyntheticCohort(options: SyntheticCohortOptions = {}): SyntheticCohort {
  const o = { ...SYNTHETIC_DEFAULTS, ...options };
  if (o.proteins % o.moduleSize !== 0) throw new Error(`synthetic cohort: proteins (${o.proteins}) must be a multiple of moduleSize (${o.moduleSize})`);
  const g = new Generator(o.seed);
  const proteins = Array.from({ length: o.proteins }, (_, i) => proteinName(i));
  const classes = Array.from({ length: o.classes }, (_, k) => `class_${String.fromCharCode(65 + k)}`);
  const moduleCount = o.proteins / o.moduleSize;
  if (o.sharedModules > moduleCount) throw new Error(`synthetic cohort: ${o.sharedModules} shared modules but only ${moduleCount} modules`);
  // which classes activate each module: shared ones all; the rest cycle through the classes, every third one in two classes
  const activeIn: number[][] = [];
  for (let m = 0; m < moduleCount; m++) {
    if (m < o.sharedModules) activeIn.push(classes.map((_, k) => k));
    else {
      const k = (m - o.sharedModules) % o.classes;
      activeIn.push((m - o.sharedModules) % 3 === 2 ? [k, (k + 1) % o.classes] : [k]);
    }
  }
  // tree structure and edge functions
  interface Rule { child: number; parent: number; weight: number; fn: number }
  const rules: Rule[][] = [];
  const edges: SyntheticEdge[] = [];
  for (let m = 0; m < moduleCount; m++) {
    const base = m * o.moduleSize;
    const list: Rule[] = [];
    for (let j = 1; j < o.moduleSize; j++) {
      const parent = base + g.int(j);
      const fn = g.int(FUNCTIONS.length);
      const weight = (0.8 + 0.6 * g.uniform()) * (g.uniform() < 0.5 ? -1 : 1);
      list.push({ child: base + j, parent, weight, fn });
      edges.push({ source: proteins[parent]!, target: proteins[base + j]!, classes: activeIn[m]!.map((k) => classes[k]!), shared: m < o.sharedModules, fn: FUNCTIONS[fn]![0] });
    }
    rules.push(list);
  }
  const n = o.classes * o.instancesPerClass;
  const values = new Float64Array(n * o.proteins);
  const ids: string[] = [];
  const labels: string[] = [];
  const order = g.permutation(n); // interleave classes so that row order carries no class information
  for (let r = 0; r < n; r++) {
    const k = order[r]! % o.classes;
    const row = new Float64Array(o.proteins);
    const factor = g.normal();
    for (let i = 0; i < o.proteins; i++) row[i] = g.normal() + 0.3 * factor;
    for (let m = 0; m < moduleCount; m++) {
      if (!activeIn[m]!.includes(k)) continue;
      for (const rule of rules[m]!) {
        const u = row[rule.parent]!;
        row[rule.child] = rule.weight * FUNCTIONS[rule.fn]![1](u) + o.noise * g.normal() + 0.3 * factor;
      }
    }
    values.set(row, r * o.proteins);
    ids.push(`patient_${String(r + 1).padStart(5, '0')}`);
    labels.push(classes[k]!);
  }
  return { proteins, classes, ids, labels, values, edges, options: o };
}
