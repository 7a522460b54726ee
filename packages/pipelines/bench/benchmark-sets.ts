/**
 * The data sets of the network experiments (network-science.ts,
 * training-trajectory.ts), in their order: every BEELINE set under
 * shared/data/beeline/, Keyl's homogeneous data; with --classed DIR the
 * built-in synthetic cohort (its truth written to DIR from its edges) and,
 * where the script asks for it, Keyl's heterogeneous data with a group column
 * (written to DIR); then --extra d1,d2 (BEELINE-layout folders), filtered by
 * --sets a,b.
 */
import { writeFileSync, readdirSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { generateSyntheticCohort } from '../src/studies/proteomics/synthetic.js';

export interface DataSet { name: string; data: string | null; truth: string; id?: string; classColumn?: string }

export interface DataSetChoice {
  /** The shared data folder, ending in '/'. */
  shared: string;
  /** A command-line flag's value. */
  flag: (name: string) => string | undefined;
  /** Seed of the synthetic cohort: the study's data seed, so that the truth matches the data it loads. */
  dataSeed: number;
  /** With --classed, Keyl's heterogeneous data too. */
  heterogeneous: boolean;
}

export function dataSets({ shared, flag, dataSeed, heterogeneous }: DataSetChoice): DataSet[] {
  const out: DataSet[] = [];
  const b = `${shared}beeline/`;
  for (const d of readdirSync(b).sort()) if (existsSync(`${b}${d}/cells.csv`)) out.push({ name: d.replace('_2000_0', ''), data: `${b}${d}/cells.csv`, truth: `${b}${d}/truth.csv`, id: 'cell' });
  out.push({ name: 'keyl-homogeneous', data: `${shared}keyl2022_proteinnetworklrp/artificial_homogeneous.csv`, truth: `${shared}keyl2022_proteinnetworklrp/artificial_ground_truth_pairs.csv` });
  const dir = flag('classed');
  if (dir) {
    // cohorts with classes: the built-in synthetic cohort (truth written from its edges) and Keyl's heterogeneous data
    mkdirSync(dir, { recursive: true });
    const syn = generateSyntheticCohort({ seed: dataSeed });
    writeFileSync(`${dir}/synthetic-truth.csv`, 'source,target,class\n' + syn.edges.flatMap((e) => e.classes.map((c) => `${e.source},${e.target},${c}`)).join('\n') + '\n');
    out.push({ name: 'synthetic', data: null, truth: `${dir}/synthetic-truth.csv` });
    if (heterogeneous) out.push(keylHeterogeneous(shared, dir));
  }
  const extra = flag('extra');
  if (extra) for (const d of extra.split(',')) out.push({ name: d.split('/').filter(Boolean).pop()!, data: `${d}/cells.csv`, truth: `${d}/truth.csv`, id: 'cell' });
  const only = flag('sets');
  return only ? out.filter((d) => only.split(',').includes(d.name)) : out;
}

/** Keyl's heterogeneous data with a group column (g0, g1, ...: the sample number's thousands), written to `dir`. */
function keylHeterogeneous(shared: string, dir: string): DataSet {
  const het = readFileSync(`${shared}keyl2022_proteinnetworklrp/artificial_heterogeneous.csv`, 'utf8').trim().split('\n');
  const lines = [`sample,group,${het[0]!.split(',').slice(1).join(',')}`];
  for (let i = 1; i < het.length; i++) { const c = het[i]!.split(','); lines.push(`${c[0]},g${Math.floor(Number(c[0]) / 1000)},${c.slice(1).join(',')}`); }
  writeFileSync(`${dir}/keyl-heterogeneous.csv`, lines.join('\n') + '\n');
  return { name: 'keyl-heterogeneous', data: `${dir}/keyl-heterogeneous.csv`, truth: `${shared}keyl2022_proteinnetworklrp/artificial_ground_truth_pairs.csv`, id: 'sample', classColumn: 'group' };
}
