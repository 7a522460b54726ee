/** `relevance summary <run>`: a run folder's headline figures, top edges, trust panel and fingerprints in the terminal. */
import { runSummaryLines } from '../../studies/run-summary.js';
import type { Command } from '../command.js';

export const summaryCommand: Command = {
  name: 'summary',
  summary: "print a run folder's headline figures, strongest edges, trust panel (where baselines beat the network) and the data's and options' fingerprints",
  usage: 'summary <run dir> [--top-k 10]',
  description: 'Reads config.json, metrics.json, manifest.json and edges_cohort.parquet; nothing is recomputed. `study proteomics` and `merge` end with the same summary.',
  options: [{ name: 'top-k', type: 'integer', default: 10, help: 'strongest cohort edges to list' }],
  positionals: [{ name: 'run', help: 'the run folder', required: true, path: true }],
  examples: ['relevance summary runs/tcga'],
  async run(args, io) {
    const lines = await runSummaryLines(args.positionals[0]!, { topK: args.number('top-k') });
    io.stdout.write(`${lines.join('\n')}\n`);
  },
};
