/**
 * Write a simulated network as a BEELINE-style data-set folder (Pratapa et al.
 * 2020; see shared/data/beeline/SOURCE.md):
 *
 *   cells.csv   samples x genes, first column `cell`
 *   truth.csv   source,target,sign (directed; sign '+' or '-')
 *   SOURCE.md   kind, options, seed, the model and what its truth means
 *
 * The folder is built under a temporary name beside the target and renamed
 * into place, so a reader sees either no folder or a complete one.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { writeTextAtomic } from '../../io/atomic-write.js';
import { makeTable, numberColumn, stringColumn } from '../../io/table.js';
import { writeTable } from '../../io/write-table.js';
import type { SimulatedNetwork, SimulationKind } from './simulators.js';

/** The output folder exists and holds files, and `force` was not given. */
export class DatasetExistsError extends Error {
  constructor(readonly dir: string) {
    super(`${dir} exists and is not empty; choose another folder or pass force (--force) to replace it`);
    this.name = 'DatasetExistsError';
  }
}

/** Throws DatasetExistsError when `dir` is a non-empty folder (and `force` is off), or an Error when it is a file. */
export function checkDatasetTarget(dir: string, force = false): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is a file, not a folder; choose another --out`);
  if (!force && readdirSync(dir).length > 0) throw new DatasetExistsError(dir);
}

const MODEL_TEXT: Record<SimulationKind, string> = {
  'linear-sem':
    'Linear Gaussian SEM on a random sparse DAG (random causal order, 1..maxParents parents, preferential attachment gives hubs): ' +
    'x_j = sum_i b_ij x_i + sigma_j e_j. Raw |b| ~ U(0.5, 1) with random signs, scaled so that every gene has variance 1 with share `noise` from its own noise.\n\n' +
    'Truth: the DAG edges, directed parent -> child; sign = sign of b_ij.',
  'nonlinear-sem':
    'Additive nonlinear SEM on a random sparse DAG: x_j = sqrt(1 - noise) * standardised(sum_i w_ij g_ij(x_i)) + sqrt(noise) e_j, ' +
    'g_ij a standardised function drawn per edge from tanh(2u), sigmoid(4u), relu(u), u^2, sin(2u), |w| ~ U(0.5, 1) with random signs; ' +
    'every edge has |corr(x_j, g_ij(x_i))| >= 0.1 on a 20,000-sample pilot (no cancellation).\n\n' +
    'Truth: the DAG edges, directed parent -> child. Sign: sign of w for the monotone functions (tanh, sigmoid, relu); ' +
    "'+' by convention for the non-monotone ones (u^2, sin(2u)), whose effect has no single sign.",
  'relu-gated':
    'Keyl et al. 2022 (npj Precis. Oncol. 6:35), one-pass form: x = tanh(F2 ReLU(F1 (x0 + eps))), x0 ~ U(0,1), eps ~ N(0, noise^2 C). ' +
    'F1, F2 are zero outside consecutive blocks of blockSize genes, 1 on the diagonal, U(-1, 1) inside blocks; ' +
    'C = (1 - crossNoise) C_blocks + crossNoise C_all, random correlation matrices within blocks and over all genes ' +
    '(with crossNoise > 0 genes of different blocks correlate through the noise, as in Keyl\'s data; that dependence is not in the truth).\n\n' +
    "Truth: every within-block pair, undirected, listed in both directions. Genes share latent inputs, so the pairs have no direction and no defined sign: sign is '+' by convention.",
  'hill-ode':
    'GRN with Hill kinetics, steady states under multifactorial perturbation (DREAM4 / GeneNetWeaver, Marbach et al. 2009, 2010): ' +
    'dx_i/dt = m_i f_i(x) - lambda_i x_i, f_i = alpha_i + (1 - alpha_i) mean_j h_ij(x_j) (independent modules, additive), ' +
    'h = x^n/(k^n+x^n) for activation, k^n/(k^n+x^n) for repression. Each sample perturbs every m_i by exp(perturbation * z), ' +
    'integrates from the wild type with RK4 until max |dx/dt| < tolerance, then measures y = x exp(noise * z) (log-normal, non-negative).\n\n' +
    "Truth: the regulatory edges (a random DAG plus `feedback` edges from a gene back to one of its ancestors, closing loops), directed regulator -> target; sign '+' activation, '-' repression.",
};

/** CLI flag of an option: maxParents -> --max-parents. */
export function optionFlag(name: string): string {
  return `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The SOURCE.md text: kind, options, seed, how to regenerate, the model and what the truth means. */
export function datasetSourceText(sim: SimulatedNetwork): string {
  const entries = Object.entries(sim.options as Record<string, number>).sort(([a], [b]) => a.localeCompare(b));
  const command = `relevance simulate --kind ${sim.kind} ${entries.map(([k, v]) => `${optionFlag(k)} ${v}`).join(' ')} --seed ${sim.seed} --out <dir>`;
  return [
    `# Simulated network: ${sim.kind}`,
    '',
    `Simulated by Relevance (\`simulateNetwork\`, packages/pipelines/src/studies/networks/). Seed ${sim.seed}.`,
    `${sim.samples.length} samples x ${sim.genes.length} genes; ${sim.truth.length} truth edges.`,
    '',
    '## Options',
    ...entries.map(([k, v]) => `- ${k}: ${v}`),
    '',
    `Regenerate (same bytes): \`${command}\``,
    '',
    '## Model',
    MODEL_TEXT[sim.kind],
    '',
    '## Files (BEELINE layout)',
    '- `cells.csv`: samples x genes, first column `cell`.',
    '- `truth.csv`: `source,target,sign`, directed, sign `+` or `-`; no self-loops.',
    '',
  ].join('\n');
}

async function writeFiles(sim: SimulatedNetwork, dir: string): Promise<void> {
  const p = sim.genes.length;
  const n = sim.samples.length;
  const columns = sim.genes.map((gene, j) => {
    const c = new Float64Array(n);
    for (let s = 0; s < n; s++) c[s] = sim.values[s * p + j]!;
    return numberColumn(gene, c);
  });
  await writeTable(join(dir, 'cells.csv'), makeTable('cells', [stringColumn('cell', sim.samples), ...columns]));
  const truth = makeTable('truth', [
    stringColumn('source', sim.truth.map((e) => e.source)),
    stringColumn('target', sim.truth.map((e) => e.target)),
    stringColumn('sign', sim.truth.map((e) => e.sign)),
  ]);
  await writeTable(join(dir, 'truth.csv'), truth);
  await writeTextAtomic(join(dir, 'SOURCE.md'), datasetSourceText(sim));
}

let sequence = 0;

/** Write cells.csv, truth.csv and SOURCE.md into `dir`, atomically; a non-empty `dir` is refused unless `force`. */
export async function writeNetworkDataset(sim: SimulatedNetwork, dir: string, options: { force?: boolean } = {}): Promise<void> {
  const target = resolve(dir);
  checkDatasetTarget(target, options.force);
  await mkdir(dirname(target), { recursive: true });
  sequence += 1;
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${sequence}.tmp`);
  const old = `${tmp}.old`;
  let movedOld = false;
  try {
    await mkdir(tmp);
    await writeFiles(sim, tmp);
    if (existsSync(target)) {
      await rename(target, old);
      movedOld = true;
    }
    await rename(tmp, target);
  } catch (e) {
    if (movedOld && !existsSync(target)) await rename(old, target); // put the previous folder back
    throw e;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
}
