/**
 * `relevance merge`: combine shard runs (`--shard i/n`) into one run. Every
 * shard's instance networks are read from its instance_directed.npy, one
 * shard at a time (instance-files.ts); the data
 * stage (deterministic from config.json) is re-run for the baselines, and the
 * same `finalize` as the unsharded study recomputes class and cohort networks
 * and metrics. So a cohort of any size can be spread over many machines by
 * any batch scheduler (a Slurm array, a Kubernetes indexed job), and the
 * merged tables equal the unsharded run's.
 */
import { availableParallelism } from 'node:os';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File, writeJsonAtomic } from '../../io/atomic-write.js';
import { DataError } from '../../io/data-error.js';
import { readTable } from '../../io/read-table.js';
import { cellValue } from '../../io/table.js';
import type { Progress } from '../../progress/progress.js';
import { runManifest } from '../manifest.js';
import { inRunFolder, writeStudyReport, type StudyIO } from '../study-io.js';
import { loadStudyData } from './data.js';
import { readEdgeList } from './edge-files.js';
import { readShardInstances, writeInstanceFiles } from './instance-files.js';
import { finalize, type InstanceRecord } from './finalize.js';
import { writeMetrics, writeRunTables } from '../../io/run-format.js';

interface ShardConfig {
  config: Record<string, any>;
  dir: string;
}

async function readConfig(dir: string): Promise<ShardConfig> {
  try {
    return { config: JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')), dir };
  } catch {
    throw new DataError(`${dir}: not a proteomics run folder (no readable config.json)`);
  }
}

/** Everything but the shard must agree between shards. */
function checkCompatible(shards: ShardConfig[]): number {
  const strip = (c: Record<string, any>): string => JSON.stringify({ ...c, shard: null });
  const first = shards[0]!;
  if (first.config.study !== 'proteomics') throw new DataError(`${first.dir}: is a '${first.config.study}' run; merge combines proteomics shards`);
  let count = 0;
  const seen = new Set<number>();
  for (const s of shards) {
    if (strip(s.config) !== strip(first.config)) throw new DataError(`${s.dir}: its config.json differs from ${first.dir}'s in more than --shard; shards must come from one command line`);
    const m = /^(\d+)\/(\d+)$/.exec(String(s.config.shard ?? ''));
    if (!m) throw new DataError(`${s.dir}: was not run with --shard i/n`);
    const [i, n] = [Number(m[1]), Number(m[2])];
    if (count && n !== count) throw new DataError(`${s.dir}: is shard ${i}/${n}, the others are of ${count}`);
    count = n;
    if (seen.has(i)) throw new DataError(`${s.dir}: shard ${i}/${n} is given twice`);
    seen.add(i);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new DataError(`shards ${missing.map((i) => `${i}/${count}`).join(', ')} are missing; merge needs all ${count}`);
  return count;
}

type MergeIO = Pick<StudyIO, 'progress' | 'log' | 'writeReport'>;
type MergeResult = { outDir: string; metrics: Record<string, unknown> };

/** Merge the shard runs `dirs` into the run folder `out` (written atomically; a non-empty `out` only with force). */
export async function mergeProteomicsRuns(dirs: readonly string[], out: string, io: MergeIO, options: { force?: boolean } = {}): Promise<MergeResult> {
  if (dirs.length === 0) throw new DataError('merge needs the shard run folders');
  const shards = await Promise.all(dirs.map(readConfig));
  checkCompatible(shards);
  return inRunFolder(out, options.force, (dir) => writeMergedRun(shards, dirs, dir, io));
}

async function writeMergedRun(shards: ShardConfig[], dirs: readonly string[], out: string, io: MergeIO): Promise<MergeResult> {
  const started = performance.now();
  const c = shards[0]!.config;
  const data = await loadStudyData({
    source: c.data ?? (c.sql ? { sql: c.sql } : null),
    idColumn: c.id_column ?? undefined,
    classColumn: c.class_column && (c.data || c.sql) ? c.class_column : undefined,
    features: c.features ?? undefined,
    maxMissing: c.max_missing,
    transform: c.transform,
    testFraction: c.test_fraction,
    standardize: c.standardize,
    seed: c.seed,
    synthetic: c.synthetic ?? undefined,
  });
  const p = data.proteins.length;
  // instance networks from every shard (instance_directed.npy), one shard at a time, in test-row order
  io.progress.start('reading shards', dirs.length);
  const byRow = new Map<number, InstanceRecord>();
  for (const dir of dirs) {
    for (const record of await readShardInstances(dir, data)) byRow.set(record.row, record);
    io.progress.tick(1);
  }
  io.progress.done(`${byRow.size} instance networks from ${dirs.length} shards`);
  const missing = data.test.filter((r) => !byRow.has(r));
  if (missing.length) throw new DataError(`the shards hold ${byRow.size} of the ${data.test.length} test instances; missing e.g. ${missing.slice(0, 5).map((r) => data.ids[r]).join(', ')}`);
  const instances: InstanceRecord[] = data.test.map((row) => byRow.get(row)!);
  const shard0 = shards.find((s) => s.config.shard === `0/${s.config.shard.split('/')[1]}`)!.dir;
  const truthPath = c.truth ?? (c.synthetic ? join(shard0, 'synthetic_truth.csv') : null);
  const truth = truthPath ? await readEdgeList(truthPath, data.proteins, 'truth') : null;
  const known = c.known_edges ? await readEdgeList(c.known_edges, data.proteins, 'known', [], { columns: c.known_edges_columns ?? undefined, map: c.known_edges_map ?? undefined }) : null;
  const training = await readTable(join(shard0, 'training.parquet'));
  const tcol = (n: string) => training.columns.find((x) => x.name === n)!;
  const trainingRows = Array.from({ length: training.rows }, (_, r) => ({
    epoch: Number(cellValue(tcol('epoch'), r)),
    train_loss: Number(cellValue(tcol('train_loss'), r)),
    val_loss: cellValue(tcol('val_loss'), r) === null ? null : Number(cellValue(tcol('val_loss'), r)),
    lr: Number(cellValue(tcol('lr'), r)),
  }));
  let embedding: Float32Array | null = null;
  if (c.tsne) {
    const { createBackend } = await import('@relevance/core-wasm');
    const { embedInstanceNetworks } = await import('./embedding.js');
    const be = await createBackend(c.backend === 'reference' ? 'reference' : 'wasm');
    try {
      embedding = await embedInstanceNetworks(be, instances, p, c.seed);
    } finally {
      be.destroy();
    }
  }
  const result = finalize({ data, instances, truth, known, directed: c.directed, topK: c.top_k, instanceTopK: c.instance_top_k, minInstanceCorrelation: c.aggregation?.min_instance_correlation ?? null, training: trainingRows, embedding, seed: c.seed, baselines: c.baselines ?? undefined, threads: availableParallelism() });
  const files = await writeRunTables(out, result.tables, 'proteomics');
  files.push(...(await writeInstanceFiles(out, data, instances, { symmetric: true, directed: false })));
  for (const f of ['model.relevance', 'model.onnx', ...(c.synthetic ? ['synthetic_truth.csv', 'synthetic_cohort.parquet'] : [])]) await copyFile(join(shard0, f), join(out, f));
  const total = Number(((performance.now() - started) / 1000).toFixed(3));
  const metrics = await writeMetrics(out, { ...result.metrics, 'timing_s.merge': total, 'timing_s.total': total });
  await writeJsonAtomic(join(out, 'config.json'), { ...c, shard: null, merged_from: dirs.length });
  await writeJsonAtomic(
    join(out, 'manifest.json'),
    await runManifest({
      study: 'proteomics',
      outDir: out,
      inputs: [
        ...(c.data ? [{ path: c.data, sha256: await sha256File(c.data) }] : []),
        ...dirs.map((d) => ({ path: d })),
      ],
      seed: c.seed,
      backend: 'merge',
      threads: 1,
      timings: { merge: total },
      used: { proteins: data.proteins, rows: data.rows, train: data.train.length, test: data.test.length, instances: instances.length, shards: dirs.length },
      files: ['model.relevance', 'model.onnx', ...files, 'metrics.json', 'config.json'],
    }),
  );
  await writeStudyReport(io, out, 'proteomics');
  return { outDir: out, metrics };
}
