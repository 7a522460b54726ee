/**
 * The worker side of `parallel.ts`: the row function of each job, built from
 * the job's data and options exactly as the calling thread builds its own.
 * Workers load this module from dist (see parallel.ts).
 */
import { claimRows, finishRows, type RowFunction, type RowJob, type RowJobMessage } from './parallel.js';
import type { DataMatrix } from './networks.js';
import { genie3Rows, type Genie3Options } from './genie3.js';
import { grnboost2Rows, type GrnBoostOptions } from './grnboost.js';
import { discretizeRow, type Discretizer } from './information.js';
import { repulsionChunks } from '../embedding/barnes-hut-objective.js';
import { shapRegressionJob } from '../attribution/perturbation/shap-regression.js';
import { leafTableChunks, type LeafTableJob } from '../trees/leaf-tables.js';
import type { TreeEnsemble } from '../trees/tree-ensemble.js';

const JOBS: Record<RowJob, (d: DataMatrix, options: Record<string, unknown>) => RowFunction> = {
  genie3: (d, o) => genie3Rows(d, o as Genie3Options).row,
  grnboost2: (d, o) => grnboost2Rows(d, o as GrnBoostOptions).row,
  discretize: (d, o) => discretizeRow(d, o.method as Discretizer, o.bins as number | undefined),
  'tsne-repulsion': (d, o) => repulsionChunks(
    { dims: o.dims as 2 | 3, cells: o.cells as Float64Array, order: o.order as Int32Array, position: o.position as Int32Array, y: d.values as Float64Array },
    o.thetaSq as number, o.chunk as number,
  ),
  'kernel-shap-regression': shapRegressionJob,
  'tree-shap': (d, o) => leafTableChunks(o.ensemble as TreeEnsemble, d.values, d.rows, o.job as LeafTableJob, o.chunkRows as number),
};

/** Compute a worker's share of one job's rows, then report it done (a throw is reported by the worker source in parallel.ts). */
export function runRowJob(m: RowJobMessage): void {
  claimRows(m, JOBS[m.job]({ values: m.values, rows: m.rows, cols: m.cols }, m.options));
  finishRows(m);
}
