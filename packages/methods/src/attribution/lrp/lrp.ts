/**
 * Layer-wise relevance propagation: one backward pass whose per-layer
 * backward is replaced by LRP rules (see rules/ and composites.ts).
 *
 * Conventions (Zennit 0.5.1, so results match its fixtures): BatchNorm is
 * merged into the preceding layer first; the output relevance is the target's
 * output value (logit) at the target position and zero elsewhere (option
 * outputRelevance: 'one' starts from 1 instead); the input relevance is what
 * the rule of the first layer hands to the input. `completeness` compares each
 * row's sum of relevance with the output relevance it started from (the
 * conservation error: biases and stabilisers absorb the difference).
 *
 * CLI options (for the registry): --composite NAME | --rule NAME,
 * --layer-rules fc1=zbox,fc2=gamma, --epsilon, --stabilizer, --gamma, --alpha,
 * --beta, --low, --high, --output-relevance logit|one, --no-canonize,
 * --target, --batch-size.
 */
import type { Tensor } from '@relevance/core-wasm';
import type { Model } from '../../model/model.js';
import { batches, checkOptions, completeness, pick, resolveTargets, sliceRows, targetGradient } from '../common.js';
import { AttributionError, type Attribution, type CommonOptions } from '../types.js';
import { prepareLrp, RULE_OPTION_NAMES, ruleOptionNames, type LrpRuleOptions } from './settings.js';

export interface LrpOptions extends CommonOptions, LrpRuleOptions {}

export const LRP_OPTION_NAMES: readonly string[] = ['target', 'batchSize', ...RULE_OPTION_NAMES];

export async function lrp(model: Model, inputs: Tensor, options: LrpOptions = {}): Promise<Attribution> {
  checkOptions('lrp', options, ['target', 'batchSize', ...ruleOptionNames()]);
  if (inputs.rank < 2) throw new AttributionError(`lrp: inputs must be [batch, ...features], got shape [${inputs.shape.join(', ')}]`);
  const prepared = prepareLrp(model, options);
  try {
    const m = prepared.model;
    const be = m.be;
    const rows = inputs.shape[0]!;
    const perRow = rows === 0 ? 0 : inputs.size / rows;
    const targets = await resolveTargets(m, inputs, options.target);
    const values = new Float32Array(inputs.size);
    const expected = new Float32Array(rows);
    const startFromLogit = prepared.params.outputRelevance === 'logit';
    for (const [start, end] of batches(rows, options.batchSize)) {
      const x = start === 0 && end === rows ? inputs : sliceRows(be, inputs, start, end);
      try {
        const rowTargets = targets.subarray(start, end);
        const r = await targetGradient(m, x, rowTargets, { rules: prepared.selector }, (picked) => (startFromLogit ? picked : new Float32Array(picked.length).fill(1)));
        if (!r.input) throw new AttributionError('lrp: the backward pass produced no input relevance (is the input connected to the output?)');
        values.set(r.input, start * perRow);
        const width = r.outputs.length / (end - start);
        expected.set(startFromLogit ? pick(r.outputs, rowTargets, width) : new Float32Array(end - start).fill(1), start);
      } finally {
        if (x !== inputs) x.dispose();
      }
    }
    return {
      method: 'lrp',
      params: { ...prepared.params, target: options.target ?? 'argmax', batchSize: options.batchSize ?? rows },
      targets,
      values,
      shape: [...inputs.shape],
      completeness: completeness(values, rows, expected, 'target output'),
    };
  } finally {
    prepared.dispose();
  }
}
