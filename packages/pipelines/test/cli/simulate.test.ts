/** `relevance simulate` and writeNetworkDataset: BEELINE's layout, same bytes for the same seed, usage errors exit 2. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTable } from '../../src/index.js';
import { simulateNetwork } from '../../src/studies/networks/simulators.js';
import { DatasetExistsError, writeNetworkDataset } from '../../src/studies/networks/write-dataset.js';
import { useTempDir } from '../io/helpers/temp-dir.js';
import { runCaptured } from './helpers/run-cli.js';

const tmp = useTempDir('relevance-simulate-');

function files(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('writeNetworkDataset', () => {
  it('writes cells.csv (cell + genes) and truth.csv (source,target,sign) that read back exactly, plus SOURCE.md', async () => {
    const sim = simulateNetwork('hill-ode', { genes: 8, samples: 40 }, 3);
    const dir = tmp.path('nested/hill');
    await writeNetworkDataset(sim, dir);
    expect(readdirSync(dir).sort()).toEqual(['SOURCE.md', 'cells.csv', 'truth.csv']);
    const cells = await readTable(join(dir, 'cells.csv'));
    expect(cells.columns.map((c) => c.name)).toEqual(['cell', ...sim.genes]);
    expect(cells.columns[0]!.values).toEqual(sim.samples);
    const p = sim.genes.length;
    sim.genes.forEach((_, j) => {
      const v = cells.columns[j + 1]!.values as Float64Array;
      for (let s = 0; s < sim.samples.length; s++) expect(v[s]).toBe(sim.values[s * p + j]);
    });
    const truthText = readFileSync(join(dir, 'truth.csv'), 'utf8');
    expect(truthText).toBe(['source,target,sign', ...sim.truth.map((e) => `${e.source},${e.target},${e.sign}`)].join('\n') + '\n');
    const source = readFileSync(join(dir, 'SOURCE.md'), 'utf8');
    expect(source).toContain('# Simulated network: hill-ode');
    expect(source).toContain('Seed 3.');
    expect(source).toContain('relevance simulate --kind hill-ode --edges 12 --feedback 0 --genes 8 --max-parents 3 --noise 0.1 --perturbation 0.3 --samples 40 --tolerance 1e-8 --seed 3 --out <dir>');
    // no temporary folders left beside it
    expect(readdirSync(tmp.path('nested'))).toEqual(['hill']);
  });

  it('refuses a non-empty folder unless force, and replaces it whole with force', async () => {
    const dir = tmp.path('taken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const sim = simulateNetwork('linear-sem', { genes: 5, samples: 20 }, 1);
    await expect(writeNetworkDataset(sim, dir)).rejects.toBeInstanceOf(DatasetExistsError);
    expect(readdirSync(dir)).toEqual(['keep.txt']);
    await writeNetworkDataset(sim, dir, { force: true });
    expect(readdirSync(dir).sort()).toEqual(['SOURCE.md', 'cells.csv', 'truth.csv']);
    // an empty folder is fine without force
    const empty = tmp.path('empty');
    mkdirSync(empty);
    await writeNetworkDataset(sim, empty);
    expect(files(empty)).toEqual(files(dir));
  });
});

describe('relevance simulate', () => {
  it('writes the data set; the same seed gives the same bytes as the API, another seed other bytes', async () => {
    const a = tmp.path('cli-a');
    const b = tmp.path('cli-b');
    const c = tmp.path('cli-c');
    for (const [dir, seed] of [[a, '5'], [b, '5'], [c, '6']] as const) {
      const r = await runCaptured(['simulate', '--kind', 'nonlinear-sem', '--genes', '10', '--samples', '100', '--seed', seed, '--out', dir]);
      expect(r.stderr).toContain('nonlinear-sem: 100 samples x 10 genes, 15 truth edges');
      expect(r.code).toBe(0);
    }
    expect(files(a)).toEqual(files(b));
    expect(files(a)['cells.csv']).not.toBe(files(c)['cells.csv']);
    const api = tmp.path('api');
    await writeNetworkDataset(simulateNetwork('nonlinear-sem', { genes: 10, samples: 100 }, 5), api);
    expect(files(api)).toEqual(files(a));
    expect(files(a)['cells.csv']!.split('\n')[0]).toBe('cell,G01,G02,G03,G04,G05,G06,G07,G08,G09,G10');
    expect(files(a)['truth.csv']!.split('\n')[0]).toBe('source,target,sign');
  });

  it('passes kind-specific options through (relu-gated --block-size, --cross-noise)', async () => {
    const dir = tmp.path('relu');
    const r = await runCaptured(['simulate', '--kind', 'relu-gated', '--genes', '9', '--samples', '30', '--block-size', '3', '--noise', '0.5', '--cross-noise', '0.3', '-q', '--out', dir]);
    expect(r.code).toBe(0);
    expect(files(dir)['truth.csv']!.trim().split('\n').length).toBe(1 + 3 * 3 * 2);
    expect(files(dir)['SOURCE.md']).toContain('relevance simulate --kind relu-gated --block-size 3 --cross-noise 0.3 --genes 9 --noise 0.5 --samples 30 --seed 1 --out <dir>');
  });

  it('bad options exit 2 with a message naming the option', async () => {
    const out = tmp.path('never');
    const cases: Array<[string[], RegExp]> = [
      [['--kind', 'linear-sem', '--genes', '2'], /--genes: must be a whole number from 3 to 1000, got 2/],
      [['--kind', 'linear-sem', '--genes', '5', '--edges', '40'], /--edges: must be a whole number from 1 to 9, got 40 .*raise maxParents or lower edges/],
      [['--kind', 'linear-sem', '--noise', '1.5'], /--noise: must lie in \(0, 1\), got 1.5/],
      [['--kind', 'linear-sem', '--block-size', '4'], /--block-size does not apply to --kind linear-sem; its options are --genes, --samples, --edges, --max-parents, --noise/],
      [['--kind', 'hill-ode', '--tolerance', '0'], /--tolerance: must be above 0/],
      [['--kind', 'hill-ode', '--genes', '5', '--edges', '1', '--feedback', '3'], /--feedback: must be at most 1 here .*got 3/],
      [['--kind', 'tree'], /--kind must be one of linear-sem, nonlinear-sem, relu-gated, hill-ode; got 'tree'/],
      [['--kind', 'linear-sem', '--seed', '-4'], /--seed: seed must be a whole number from 0/],
      [['--genes', '10'], /missing required option.*--kind/],
    ];
    for (const [argv, message] of cases) {
      const r = await runCaptured(['simulate', ...argv, '--out', out]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an existing non-empty --out folder without --force (exit 2), replaces it with --force', async () => {
    const dir = tmp.path('existing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    const refused = await runCaptured(['simulate', '--kind', 'linear-sem', '--genes', '6', '--samples', '20', '--out', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--out .*existing exists and is not empty; choose another folder or pass --force/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    const forced = await runCaptured(['simulate', '--kind', 'linear-sem', '--genes', '6', '--samples', '20', '--force', '--out', dir]);
    expect(forced.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['SOURCE.md', 'cells.csv', 'truth.csv']);
  });

  it('--help lists the kinds and the per-kind defaults', async () => {
    const r = await runCaptured(['simulate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('hill-ode');
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('number of samples (default: linear-sem 1000, nonlinear-sem 1000, relu-gated 1000, hill-ode 500)');
    expect(text).toContain('relu-gated: genes per block (default 5)');
    const list = await runCaptured(['--help']);
    expect(list.stdout).toContain('simulate');
  });
});
