/**
 * ROC or precision–recall curves of LRP and the baselines on the same axes,
 * for one scope (the cohort against the truth, a class, or the known edges).
 * LRP is drawn thick and red; the chance line is dashed (ROC diagonal, or the
 * PR prevalence when it is given).
 */
import * as Plot from '@observablehq/plot';
import type { CurvePoint } from '../run/table-rows.js';
import { emptyContent, plotContent, type FigureContent } from './figure-content.js';
import { LRP_COLOR } from './theme.js';

export type CurveKind = 'roc' | 'pr';

export interface CurvesInput {
  /** Points of one kind and scope, in each curve's own order. */
  points: readonly CurvePoint[];
  kind: CurveKind;
  scope: string;
  /** Fraction of positive pairs, for the PR chance line. */
  prevalence?: number | null;
}

/** LRP first, then the baselines alphabetically: a stable colour per method. */
export function curveMethods(points: readonly { method: string }[]): string[] {
  const methods = [...new Set(points.map((p) => p.method))].sort();
  return methods.includes('lrp') ? ['lrp', ...methods.filter((m) => m !== 'lrp')] : methods;
}

/** Method names as people write them: partial_correlation -> partial correlation. */
export function methodLabel(method: string): string {
  return method === 'lrp' ? 'LRP' : method.replace(/_/g, ' ');
}

export function scopeLabel(scope: string): string {
  if (scope === 'cohort') return 'cohort network vs truth';
  if (scope === 'known') return 'cohort network vs known edges';
  if (scope.startsWith('class:')) return `class ${scope.slice(6)} vs truth`;
  return scope;
}

export function evaluationCurves(input: CurvesInput): FigureContent {
  const name = input.kind === 'roc' ? 'ROC' : 'precision–recall';
  if (input.points.length === 0) return emptyContent(`No ${name} curves for this scope (the run had no truth or known edges).`);
  const methods = curveMethods(input.points);
  const palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22'];
  const range = methods.map((m, i) => (m === 'lrp' ? LRP_COLOR : palette[(i - (methods[0] === 'lrp' ? 1 : 0)) % palette.length]!));
  const labelled = input.points.map((p) => ({ ...p, method: methodLabel(p.method) }));
  const lrp = labelled.filter((p) => p.method === 'LRP');
  const others = labelled.filter((p) => p.method !== 'LRP');
  const chance =
    input.kind === 'roc'
      ? [Plot.line([[0, 0], [1, 1]], { stroke: '#aaa', strokeDasharray: '4 3' })]
      : input.prevalence !== null && input.prevalence !== undefined
        ? [Plot.ruleY([input.prevalence], { stroke: '#aaa', strokeDasharray: '4 3' })]
        : [];
  return plotContent({
    width: 420,
    height: 380,
    marginLeft: 50,
    subtitle: scopeLabel(input.scope),
    x: { domain: [0, 1], label: input.kind === 'roc' ? 'false positive rate →' : 'recall →', grid: true },
    y: { domain: [0, 1], label: input.kind === 'roc' ? '↑ true positive rate' : '↑ precision', grid: true },
    color: { domain: methods.map(methodLabel), range, legend: true },
    marks: [
      ...chance,
      Plot.line(others, { x: 'x', y: 'y', z: 'method', stroke: 'method', strokeWidth: 1.5, curve: input.kind === 'roc' ? 'linear' : 'step-before' }),
      Plot.line(lrp, { x: 'x', y: 'y', stroke: 'method', strokeWidth: 3, curve: input.kind === 'roc' ? 'linear' : 'step-before' }),
    ],
  });
}
