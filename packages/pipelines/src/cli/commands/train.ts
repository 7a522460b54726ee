/**
 * `relevance train`: train a classifier on a labelled table, as the studies
 * do (stratified seeded split, z-scores with training statistics,
 * class-weighted cross-entropy, early stopping), and save it as
 * model.relevance with its features, classes and standardisation.
 * --model-type senn trains a self-explaining network (Alvarez-Melis &
 * Jaakkola 2018) and compares its own explanations with post-hoc methods on
 * the test rows: the existing metrics (faithfulness, max-sensitivity,
 * sparseness, ...) and the local Lipschitz estimate of each explanation.
 */
import { join } from 'node:path';
import type { Command } from '../command.js';
import { UsageError } from '../usage-error.js';
import { runFolderOption } from '../common-options.js';
import { CLASSIFIER_DATA_OPTIONS, CLASSIFIER_TRAINING_OPTIONS, classifierStageOptions, stageLog, withClassifier } from '../classifier-options.js';
import { defaultRunFolder } from '../../studies/study-io.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a classifier (MLP or self-explaining SENN) on a labelled table; for SENN, compare its explanations with post-hoc methods',
  usage: 'train --data <table> --label-column <col> [--model-type mlp|senn] [--hidden 64] [--compare m1,m2] [--metrics a,b] [--out <dir>] [options]',
  description:
    'Writes model.relevance (features, classes, standardisation: usable as --model by every command), metrics.json (test accuracy, training) and config.json. ' +
    'With --model-type senn, the explanations of the SENN (senn: θ_c(x) ⊙ x, and senn:output=coefficients: θ_c(x)) and of the --compare methods are evaluated on the test rows ' +
    'with --metrics (the metrics of relevance evaluate) and by their local Lipschitz estimate (max ||e(x) − e(x\')|| / ||x − x\'|| over --lipschitz-samples points in a ball of radius --lipschitz-radius, in z-score units): ' +
    'explanations.parquet / .csv (method, metric, value) and explanations in metrics.json. ' +
    'The SENN trains with a robustness penalty λ·||θ(x + εv) − θ(x)||²/ε² (v Gaussian; in expectation ||J_θ(x)||²): the paper penalises ||∇f(x) − θ(x)|| by double backpropagation, which the engine does not have; --robustness 0 turns it off.',
  options: [
    ...CLASSIFIER_DATA_OPTIONS,
    { name: 'compare', type: 'list', default: ['saliency', 'input-x-gradient', 'integrated-gradients', 'lime'], placeholder: 'm1,m2', help: 'post-hoc methods compared with the SENN (specs as in relevance evaluate)' },
    { name: 'metrics', type: 'list', default: ['faithfulness', 'max-sensitivity', 'sparseness'], placeholder: 'a,b', help: 'metrics of the comparison (see relevance evaluate)' },
    { name: 'lipschitz-radius', type: 'number', default: 0.5, help: 'radius of the ball of the Lipschitz estimate (z-score units)' },
    { name: 'lipschitz-samples', type: 'integer', default: 20, help: 'points sampled per row for the Lipschitz estimate' },
    ...CLASSIFIER_TRAINING_OPTIONS,
    runFolderOption('train', 'the output folder'),
  ],
  examples: [
    'relevance train --data cohort.csv --label-column subtype --model-type senn --hidden 32 --out runs/senn',
    'relevance train --data cohort.csv --label-column subtype --out runs/mlp && relevance tcav --model runs/mlp/model.relevance --data cohort.csv --label-column subtype --concept "hi=EGFR > 1"',
  ],
  async run(args, io) {
    if (args.has('model')) throw new UsageError('train trains a new model; to explain a given one, pass --model to tcav, strategies, counterfactuals or study influence');
    const stageOptions = classifierStageOptions(args);
    const radius = args.number('lipschitz-radius');
    if (!(radius > 0)) throw new UsageError(`--lipschitz-radius must be positive, got ${radius}`);
    const samples = args.atLeast('lipschitz-samples', 1);
    const out = args.optionalString('out') ?? defaultRunFolder('train');
    const log = stageLog(args, io.stderr);
    const { compareExplanations, lipschitzEstimate } = await import('@relevance/methods');
    const { rowsOf } = await import('../../studies/influence/prepare-classifier.js');
    const { makeOutputFolder, makeTable, numberColumn, saveStageModel, stringColumn, writeJsonAtomic, writeParquetAndCsv } = await import('../stage-output.js');
    const isSenn = stageOptions.modelType === 'senn';
    const methodSpecs = isSenn ? ['senn', 'senn:output=coefficients', ...args.list('compare')] : [];
    // check the method and metric names before training
    const metrics = args.list('metrics');
    const parsed = await checkComparison(methodSpecs, metrics);
    await makeOutputFolder(out);
    await withClassifier(stageOptions, { progress: io.progress, log }, 'a classifier', async (stage, be) => {
      const { model, data, classes, xs, width } = stage;
      await saveStageModel(stage, out, 'train', stageOptions, { model_type: stageOptions.modelType ?? 'mlp' });
      const metricsJson: Record<string, unknown> = {
        model_type: stageOptions.modelType ?? 'mlp',
        classifier: {
          test_accuracy: stage.quality.accuracy, balanced_accuracy: stage.quality.balancedAccuracy, evaluated_rows: stage.quality.rows,
          best_epoch: stage.history!.bestEpoch + 1, epochs_run: stage.history!.epochs.length, best_validation_loss: stage.history!.bestLoss,
        },
      };
      const lines = [`output: ${out}`, `${stageOptions.modelType ?? 'mlp'}: test accuracy ${stage.quality.accuracy.toFixed(3)}, balanced ${stage.quality.balancedAccuracy.toFixed(3)}`];
      if (isSenn) {
        const test = stage.split!.test;
        const x = be.tensor(rowsOf(xs, width, test), [test.length, width]);
        try {
          io.progress.start('explanations', parsed.length);
          const comparison = await compareExplanations(model, x, { methods: parsed, metrics, seed: stageOptions.seed, perRow: false, onProgress: () => undefined });
          const table: Array<{ method: string; metric: string; value: number }> = comparison.rows.filter((r) => r.row === null && r.layer === null).map((r) => ({ method: r.method, metric: r.metric, value: r.value }));
          for (const spec of parsed) {
            const lip = await lipschitzEstimate(model, x, (m, xx, o) => spec.method(m, xx, { ...spec.options, target: o.target, ...(spec.random ? { seed: stageOptions.seed } : {}) }), {
              radius, samples, seed: stageOptions.seed,
            });
            table.push({ method: spec.label, metric: 'lipschitz', value: lip.mean });
            io.progress.tick(1, spec.label);
          }
          io.progress.done(`${parsed.length} methods x ${metrics.length + 1} measures on ${test.length} test rows`);
          const t = makeTable('explanations', [
            stringColumn('method', table.map((r) => r.method)), stringColumn('metric', table.map((r) => r.metric)), numberColumn('value', table.map((r) => r.value)),
          ]);
          await writeParquetAndCsv(out, 'explanations', t);
          const byMethod: Record<string, Record<string, number>> = {};
          for (const r of table) (byMethod[r.method] ??= {})[r.metric] = r.value;
          metricsJson.explanations = { rows: test.length, lipschitz: { radius, samples }, methods: byMethod };
          for (const [m, v] of Object.entries(byMethod)) lines.push(`${m}: ${Object.entries(v).map(([k, val]) => `${k} ${Number.isFinite(val) ? val.toFixed(3) : String(val)}`).join(', ')}`);
        } finally {
          x.dispose();
        }
      }
      await writeJsonAtomic(join(out, 'metrics.json'), metricsJson);
      await writeJsonAtomic(join(out, 'config.json'), {
        command: 'train', data: stageOptions.data, label_column: stageOptions.labelColumn, features: data.features, model_type: stageOptions.modelType ?? 'mlp',
        hidden: stageOptions.hidden, epochs: stageOptions.epochs, patience: stageOptions.patience, batch_size: stageOptions.batchSize, lr: stageOptions.lr,
        weight_decay: stageOptions.weightDecay, test_fraction: stageOptions.testFraction, validation_fraction: stageOptions.validationFraction,
        ...(isSenn ? { robustness: stageOptions.robustness, compare: methodSpecs, metrics, lipschitz_radius: radius, lipschitz_samples: samples } : {}), seed: stageOptions.seed, backend: be.name,
      });
      io.stdout.write(`${lines.join('\n')}\n`);
    });
  },
};

/** The --compare method specs, parsed, and the --metrics names, checked (exit 2 naming the bad one). */
async function checkComparison(methodSpecs: readonly string[], metrics: readonly string[]) {
  const { parseMethodSpec, metricByName } = await import('@relevance/methods');
  const parsed = methodSpecs.map((m) => {
    try {
      return parseMethodSpec(m);
    } catch (e) {
      throw new UsageError(`--compare ${m}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  for (const m of metrics) {
    try {
      metricByName(m);
    } catch (e) {
      throw new UsageError(`--metrics ${m}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return parsed;
}
