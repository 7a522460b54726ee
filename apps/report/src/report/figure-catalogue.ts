/**
 * The figures of each report, in page order, grouped in sections: their
 * stable `data-figure` ids, titles, captions and which controls they follow.
 * The static page lays them out from this list; the viewer re-renders a
 * figure when one of its controls changes.
 */
import type { Study } from '../run/study.js';
import type { SelectionKey } from './selection.js';

export interface FigureEntry {
  id: string;
  title: string;
  caption: string;
  dependsOn: SelectionKey[];
  /** Spans the full width of the grid. */
  wide?: boolean;
}

export interface SectionEntry {
  id: string;
  title: string;
  intro: string;
  figures: FigureEntry[];
}

const PROTEOMICS: SectionEntry[] = [
  {
    id: 'networks',
    title: 'Protein networks',
    intro: 'The network score of each protein pair: the patients’ LRP relevance (mean and median, damped by each target’s total) weighted by |partial correlation|^(1/4). Rows and columns follow one clustered order (average linkage on the proteins’ relevance profiles) and share one colour scale, so the cohort and class networks can be compared cell by cell.',
    figures: [
      { id: 'cohort-heatmap', title: 'Cohort network', caption: 'With two or more classes, per pair the strongest of the class networks; otherwise the score over all test instances.', dependsOn: ['filter'], wide: true },
      { id: 'class-heatmap', title: 'Class network', caption: 'The score over the test instances of the chosen class (partial correlation on the class’s training rows).', dependsOn: ['className', 'filter'], wide: true },
    ],
  },
  {
    id: 'edges',
    title: 'Strongest edges',
    intro: 'The top k pairs of the cohort network, with the spread over instances and the Kruskal–Wallis test for differences between classes.',
    figures: [
      { id: 'top-edges', title: 'Top edges', caption: 'Dot: the network score, sqrt(mean × median) of the patients\' relevance × |partial correlation|^(1/4); line: interquartile range of the patients\' relevance.', dependsOn: ['k', 'filter'] },
      { id: 'network-graph', title: 'Top edges as a network', caption: 'Proteins on a circle in the clustered order; line width follows relevance.', dependsOn: ['k', 'filter'] },
      { id: 'top-edges-table', title: 'Top edges: scores and q-values', caption: 'KW q: Benjamini–Hochberg q-value of the Kruskal–Wallis test across classes. Rank by seed (with --replicates): the pair\'s lowest–highest rank over the predictors, each alone.', dependsOn: ['k', 'filter'], wide: true },
    ],
  },
  {
    id: 'instances',
    title: 'Instances',
    intro: 'Each test instance has its own network. Compare one with its class, and see which instances have similar networks.',
    figures: [
      { id: 'instance-comparison', title: 'Instance versus class', caption: 'One dot per edge: relevance in the chosen instance against the median of its class.', dependsOn: ['instance', 'filter'] },
      { id: 'tsne', title: 't-SNE of instance networks', caption: 'Test instances placed by the similarity of their networks, coloured by class.', dependsOn: ['instance'] },
    ],
  },
  {
    id: 'evaluation',
    title: 'Evaluation',
    intro: 'How well the networks recover the truth (synthetic data or --truth) and the known edges, against the baselines on the same axes.',
    figures: [
      { id: 'trust', title: 'How far to trust the network', caption: 'Our network against every baseline, for the cohort, each class and the patients, on the truth and the known edges. Red rows: a baseline is ahead.', dependsOn: [], wide: true },
      { id: 'roc-curves', title: 'ROC curves', caption: 'LRP (red, thick) and the baselines.', dependsOn: ['scope'] },
      { id: 'pr-curves', title: 'Precision–recall curves', caption: 'Dashed: the share of true pairs (chance).', dependsOn: ['scope'] },
      { id: 'network-metrics', title: 'Areas under the curves', caption: 'From metrics.json.', dependsOn: [] },
      { id: 'known-edges', title: 'Known edges in the top k', caption: 'Hypergeometric enrichment, from metrics.json.', dependsOn: [] },
    ],
  },
  {
    id: 'run',
    title: 'Training and run',
    intro: 'The masked predictor’s training history and what reproduces this run.',
    figures: [
      { id: 'training', title: 'Training curves', caption: 'Masked-prediction loss per epoch.', dependsOn: [] },
      { id: 'manifest', title: 'Manifest', caption: 'Data hash, seed, backend and versions (manifest.json).', dependsOn: [] },
    ],
  },
];

const INFLUENCE: SectionEntry[] = [
  {
    id: 'classes',
    title: 'Class influence',
    intro: 'Distributional influence: the mean gradient of a class’s output over the class’s instances, per unit. Red pushes towards the class, blue away from it.',
    figures: [
      { id: 'class-influence', title: 'Class influence profiles', caption: 'Units ordered by clustering of their class profiles; the chosen class is outlined.', dependsOn: ['className', 'filter'], wide: true },
      { id: 'class-profile', title: 'Strongest units of the chosen class', caption: 'Bars: the class; black ticks: the whole data set.', dependsOn: ['className', 'k', 'filter'] },
      { id: 'comparative-influence', title: 'Comparative influence', caption: 'Influence of y(chosen) − y(other) over both classes’ instances.', dependsOn: ['className', 'filter'] },
    ],
  },
  {
    id: 'instances',
    title: 'Instances',
    intro: 'Does an instance follow its class? The rank correlation between its influence and its class’s, and the units where they differ.',
    figures: [
      { id: 'rank-correlation', title: 'Instance versus class: rank correlation', caption: 'One tick per instance; the chosen instance in red.', dependsOn: ['instance'] },
      { id: 'instance-influence', title: 'Instance versus class: units', caption: 'One dot per unit; the units furthest from the trend are labelled.', dependsOn: ['instance', 'filter'] },
      { id: 'deviations', title: 'Most deviating instances', caption: 'Lowest rank correlation with their class.', dependsOn: [], wide: true },
    ],
  },
  {
    id: 'classifier',
    title: 'Classifier and run',
    intro: 'The classifier whose influence is explained, and what reproduces this run.',
    figures: [
      { id: 'confusion', title: 'Confusion matrix', caption: 'Test split.', dependsOn: [] },
      { id: 'classifier-metrics', title: 'Classifier metrics', caption: 'From metrics.json.', dependsOn: [] },
      { id: 'training', title: 'Training curves', caption: 'Classifier loss per epoch.', dependsOn: [] },
      { id: 'manifest', title: 'Manifest', caption: 'Data hash, seed, backend and versions (manifest.json).', dependsOn: [] },
    ],
  },
];

export function sectionsOf(study: Study): SectionEntry[] {
  return study === 'proteomics' ? PROTEOMICS : INFLUENCE;
}

export function figureIds(study: Study): string[] {
  return sectionsOf(study).flatMap((s) => s.figures.map((f) => f.id));
}
