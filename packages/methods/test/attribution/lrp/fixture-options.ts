/** The lrp options each Zennit fixture's metadata records, and the backends the LRP tests run on. */
import { createBackend, type Backend } from '@relevance/core-wasm';
import type { LrpOptions } from '../../../src/index.js';

/** What each fixture's metadata records, as lrp options. */
export const FIXTURE_OPTIONS: Record<'mlp' | 'cnn', Record<string, LrpOptions>> = {
  mlp: {
    lrp_epsilon: { rule: 'epsilon', epsilon: 1e-6 },
    lrp_zplus: { rule: 'zplus', stabilizer: 1e-6 },
    lrp_alpha2_beta1: { rule: 'alpha-beta', alpha: 2, beta: 1 },
    'lrp_gamma_0.25': { rule: 'gamma', gamma: 0.25 },
    lrp_epsilon_plus_flat: { composite: 'epsilon-plus-flat' },
    lrp_epsilon_gamma_box: { composite: 'epsilon-gamma-box', low: -3, high: 3 },
    lrp_wsquare_epsilon: { rule: 'epsilon', layerRules: { fc1: 'wsquare' } },
    lrp_zbox_gamma_epsilon: { layerRules: 'fc1=zbox,fc2=gamma,fc3=epsilon', low: -3, high: 3, gamma: 0.25 },
  },
  cnn: {
    lrp_epsilon: { rule: 'epsilon' },
    lrp_zplus: { rule: 'zplus' },
    lrp_alpha2_beta1: { rule: 'alpha-beta', alpha: 2, beta: 1 },
    'lrp_gamma_0.25': { rule: 'gamma', gamma: 0.25 },
    lrp_epsilon_plus_flat: { composite: 'epsilon-plus-flat' },
    lrp_epsilon_gamma_box: { composite: 'epsilon-gamma-box', low: -3, high: 3 },
    lrp_wsquare_epsilon: { rule: 'epsilon', layerRules: { conv1: 'wsquare' } },
  },
};

/** reference, plus wasm when it starts (another engineer builds it). */
export async function lrpBackends(): Promise<Array<[string, Backend]>> {
  const list: Array<[string, Backend]> = [['reference', await createBackend('reference')]];
  try {
    list.push(['wasm', await createBackend('wasm')]);
  } catch (e) {
    console.log(`wasm backend unavailable, LRP tests run on reference only: ${(e as Error).message.split('\n')[0]}`);
  }
  return list;
}
