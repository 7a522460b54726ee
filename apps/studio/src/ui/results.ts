/** Headline figures of a run, each marked with data-metric="<path in metrics.json>" for scripts and tests. */
const HEADLINE: Array<[string, string]> = [
  ['network.cohort.auroc', 'cohort network AUROC'],
  ['network.cohort.aupr', 'cohort network AUPR'],
  ['network.per_instance.auroc_mean', 'per-patient AUROC (mean)'],
  ['prediction.test_mse_hidden', 'hidden-protein MSE (test)'],
  ['prediction.median_instance_correlation', 'median prediction correlation'],
  ['baselines.partial_correlation.auroc', 'partial correlation AUROC'],
  ['data.rows', 'rows'],
  ['data.proteins', 'proteins'],
  ['data.test', 'test patients'],
  // the influence study
  ['classifier.test_accuracy', 'classifier accuracy (test)'],
  ['classifier.balanced_accuracy', 'balanced accuracy (test)'],
  ['instance_vs_class.median_rank_correlation', 'instance vs class, median Spearman'],
  ['data.features', 'features'],
  ['data.analysed', 'analysed rows'],
];

export function metricAt(metrics: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), metrics);
}

export function showHeadline(container: HTMLElement, metrics: Record<string, unknown>): void {
  container.replaceChildren();
  for (const [path, label] of HEADLINE) {
    const value = metricAt(metrics, path);
    if (value === undefined || value === null) continue;
    const div = document.createElement('div');
    div.className = 'figure';
    const b = document.createElement('b');
    b.dataset.metric = path;
    b.textContent = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(3) : String(value);
    b.title = String(value);
    div.append(b, label);
    container.append(div);
  }
}
