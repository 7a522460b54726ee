/**
 * Options of the commands that explain a classifier over a labelled table
 * (tcav, strategies, counterfactuals): a given --model, or an MLP trained on
 * --data with --label-column exactly as `study influence` trains it (same
 * option names and defaults), resolved into the shared classifier stage.
 */
import { INFLUENCE_STUDY_DEFAULTS as D } from '../studies/influence/options.js';
import type { ClassifierStage, ClassifierStageOptions } from '../studies/influence/prepare-classifier.js';
import type { Progress } from '../progress/progress.js';
import type { Backend } from '@relevance/core-wasm';
import type { ParsedArgs } from './args.js';
import type { OptionSpec } from './command.js';
import { backendOption, THREADS_OPTION } from './common-options.js';
import { UsageError } from './usage-error.js';

export const CLASSIFIER_DATA_OPTIONS: readonly OptionSpec[] = [
  { name: 'data', type: 'string', required: true, placeholder: 'table', help: 'the labelled table: .csv, .tsv, .parquet, .arrow or .json records' },
  { name: 'label-column', type: 'string', required: true, placeholder: 'column', help: 'the column holding the class labels (rows without a label are left out)' },
  { name: 'model', type: 'string', placeholder: 'file', help: 'explain this model (.onnx, .relevance, weights .json) instead of training an MLP on --data' },
  { name: 'features', type: 'string', placeholder: 'names|/regex/', help: 'feature columns: names a,b,c or /regex/; default every numeric column except the id and label columns' },
  { name: 'id-column', type: 'string', placeholder: 'column|none', help: "the id column carried to the tables; default detected (sample, id, ...); 'none' numbers the rows from 1" },
  { name: 'classes', type: 'list', placeholder: 'a,b,c', help: "a given model's classes in output order (default: from a .relevance model, else the sorted labels)" },
];

export const CLASSIFIER_TRAINING_OPTIONS: readonly OptionSpec[] = [
  { name: 'model-type', type: 'choice', choices: ['mlp', 'senn'], default: 'mlp', help: 'the classifier trained without --model: an MLP, or a self-explaining network (SENN) whose θ network has the --hidden sizes' },
  { name: 'robustness', type: 'number', default: 0.01, help: "λ of a SENN's robustness penalty (finite-difference ||J_θ||², see relevance train --help); 0 for none" },
  { name: 'hidden', type: 'dims', default: [...D.hidden], placeholder: '64,32', help: 'hidden layer sizes of the trained MLP' },
  { name: 'epochs', type: 'integer', default: D.epochs, help: 'most training epochs (early stopping usually ends sooner)' },
  { name: 'patience', type: 'integer', default: D.patience, help: 'epochs without a better validation loss before stopping' },
  { name: 'batch-size', type: 'integer', default: D.batchSize, help: 'training minibatch size' },
  { name: 'learning-rate', type: 'number', default: D.lr, help: 'Adam learning rate' },
  { name: 'weight-decay', type: 'number', default: D.weightDecay, help: 'L2 weight decay' },
  { name: 'test-fraction', type: 'number', default: D.testFraction, help: 'share of each class held out for testing' },
  { name: 'validation-fraction', type: 'number', default: D.validationFraction, help: 'share of each class held out for early stopping' },
  { name: 'seed', type: 'integer', default: D.seed, help: 'seed of the split, the initial weights, training and the method' },
  backendOption(D.backend, 'compute backend (wasm is fastest for tabular models)'),
  THREADS_OPTION,
];

/** The classifier stage's options from the command line; errors name the option (exit 2). */
/** The values of CLASSIFIER_TRAINING_OPTIONS after --hidden (epochs to validation fraction), in this key order. */
export function trainingValues(args: ParsedArgs): { epochs: number; patience: number; batchSize: number; lr: number; weightDecay: number; testFraction: number; validationFraction: number } {
  return {
    epochs: args.number('epochs'),
    patience: args.number('patience'),
    batchSize: args.number('batch-size'),
    lr: args.number('learning-rate'),
    weightDecay: args.number('weight-decay'),
    testFraction: args.number('test-fraction'),
    validationFraction: args.number('validation-fraction'),
  };
}

export function classifierStageOptions(args: ParsedArgs): ClassifierStageOptions & { backend: string; threads?: number } {
  const o = {
    data: args.string('data'),
    labelColumn: args.string('label-column'),
    model: args.optionalString('model'),
    features: args.optionalString('features'),
    idColumn: args.has('id-column') ? (args.string('id-column') === 'none' ? null : args.string('id-column')) : undefined,
    classes: args.has('classes') ? args.list('classes') : undefined,
    hidden: args.dims('hidden')!,
    modelType: args.string('model-type') as 'mlp' | 'senn',
    robustness: args.number('robustness'),
    ...trainingValues(args),
    seed: args.number('seed'),
    backend: args.string('backend'),
    threads: args.optionalNumber('threads'),
  };
  const positive = (option: string, v: number): void => {
    if (!Number.isInteger(v) || v < 1) throw new UsageError(`--${option} must be a positive integer, got ${v}`);
  };
  positive('epochs', o.epochs);
  positive('patience', o.patience);
  positive('batch-size', o.batchSize);
  if (o.threads !== undefined) positive('threads', o.threads);
  if (!(o.lr > 0)) throw new UsageError(`--learning-rate must be positive, got ${o.lr}`);
  if (!(o.weightDecay >= 0)) throw new UsageError(`--weight-decay must be >= 0, got ${o.weightDecay}`);
  if (!(o.testFraction > 0 && o.testFraction < 1)) throw new UsageError(`--test-fraction must lie between 0 and 1 (exclusive), got ${o.testFraction}`);
  if (!(o.validationFraction > 0 && o.validationFraction < 1)) throw new UsageError(`--validation-fraction must lie between 0 and 1 (exclusive), got ${o.validationFraction}`);
  if (o.testFraction + o.validationFraction >= 1) throw new UsageError(`--test-fraction ${o.testFraction} plus --validation-fraction ${o.validationFraction} leave no training rows; keep their sum below 1`);
  if (!(o.robustness >= 0)) throw new UsageError(`--robustness must be >= 0, got ${o.robustness}`);
  if (o.seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${o.seed}`);
  return o;
}

/**
 * The generator of a method's own randomness, independent of the classifier's
 * streams (split, initial weights and training take the first three forks of
 * Generator(seed); the method takes the fourth).
 */
export async function methodGenerator(seed: number): Promise<import('@relevance/core-wasm').Generator> {
  const { Generator } = await import('@relevance/core-wasm');
  const root = new Generator(seed);
  root.fork();
  root.fork();
  root.fork();
  return root.fork();
}

/** `name=value` pairs of a repeatable option; errors name the option and show the form. */
export function namedValues(option: string, values: readonly string[], example: string): Array<{ name: string; value: string }> {
  return values.map((v) => {
    const eq = v.indexOf('=');
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`--${option} expects name=value, e.g. --${option} ${example}; got '${v}'`);
    return { name: v.slice(0, eq).trim(), value: v.slice(eq + 1).trim() };
  });
}

/** The classifier commands' log: each line on stderr, none with --quiet. */
export function stageLog(args: ParsedArgs, stderr: { write(text: string): unknown }): (line: string) => void {
  const quiet = args.flag('quiet');
  return (line: string): void => void (quiet ? undefined : stderr.write(`${line}\n`));
}

/** The backend the classifier stage options name, on their thread count. */
export async function stageBackend(o: { backend: string; threads?: number }): Promise<Backend> {
  const { createBackend } = await import('@relevance/core-wasm');
  return createBackend(o.backend as 'wasm', o.threads ? { threads: o.threads } : {});
}

/**
 * The frame of the commands that explain a classifier: open the stage's
 * backend, train or load the classifier (prepareClassifier; `purpose` names
 * what it is for in its messages), run `body`, then dispose of the model and
 * destroy the backend however `body` ends.
 */
export async function withClassifier<R>(
  o: ClassifierStageOptions & { backend: string; threads?: number },
  io: { progress: Progress; log: (line: string) => void },
  purpose: string,
  body: (stage: ClassifierStage, be: Backend) => Promise<R>,
): Promise<R> {
  const { prepareClassifier } = await import('../studies/influence/prepare-classifier.js');
  const be = await stageBackend(o);
  try {
    const stage = await prepareClassifier(be, o, io, purpose);
    try {
      return await body(stage, be);
    } finally {
      stage.model.dispose();
    }
  } finally {
    be.destroy();
  }
}

/** config.json's `classifier`: how the stage trained it, or the given model. */
export function classifierConfig(stage: Pick<ClassifierStage, 'split' | 'quality'>, o: Pick<ClassifierStageOptions, 'hidden' | 'epochs' | 'model'>): Record<string, unknown> {
  return stage.split ? { hidden: o.hidden, epochs: o.epochs, test_accuracy: stage.quality.accuracy } : { given: o.model };
}
