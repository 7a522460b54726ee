/** `relevance merge`: combine the shard runs of a proteomics study into one run folder. */
import { mergeProteomicsRuns } from '../../studies/proteomics/merge.js';
import { runSummaryLines } from '../../studies/run-summary.js';
import { commandStudyIO } from '../../studies/study-io.js';
import type { Command } from '../command.js';
import { FORCE_OPTION } from '../common-options.js';
import { UsageError } from '../usage-error.js';

export const mergeCommand: Command = {
  name: 'merge',
  summary: 'combine the shard runs of `study proteomics --shard i/n` into one run (same tables as an unsharded run)',
  usage: 'merge <run dir> <run dir> ... --out <dir>',
  description:
    'Every shard must come from the same command line but for --shard, and all n shards must be given. Each shard\'s networks are read from its instance_directed.npy, one shard at a time; class and cohort networks, baselines and metrics are recomputed exactly as the unsharded study computes them.',
  options: [{ name: 'out', type: 'string', required: true, placeholder: 'dir', help: 'the merged run folder' }, FORCE_OPTION],
  positionals: [{ name: 'runs', help: 'the shard run folders', required: true, variadic: true, path: true }],
  examples: ['relevance merge runs/shard-0 runs/shard-1 runs/shard-2 runs/shard-3 --out runs/merged'],
  async run(args, io) {
    const dirs = args.positionals;
    if (dirs.length === 0) throw new UsageError('give the shard run folders to merge');
    const r = await mergeProteomicsRuns(dirs, args.string('out'), commandStudyIO(io, false), { force: args.flag('force') });
    io.stdout.write(`merged ${dirs.length} shards into ${r.outDir}\n${(await runSummaryLines(r.outDir)).join('\n')}\n`);
  },
};
