/**
 * `relevance report`: (re)write a run folder's report.html. The report app
 * registers its writer at the entry point (bin/relevance.js); pipelines only
 * knows the hook, so dependencies keep pointing from apps to pipelines.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataError } from '../../io/data-error.js';
import { verifyRunOutputs } from '../../studies/manifest.js';
import type { Command } from '../command.js';

export const reportCommand: Command = {
  name: 'report',
  summary: "write a run folder's offline HTML report (report.html) again, after checking its files against manifest.json",
  usage: 'report <run dir> [--assets embedded|folder]',
  description: 'By default report.html is one self-contained file (tables, viewer and the DuckDB engine inside, compressed), to copy or attach alone. With --assets folder the viewer files go into report_files/ beside it; a page opened without that folder says so and keeps its static figures.',
  options: [{ name: 'assets', type: 'choice', choices: ['embedded', 'folder'], default: 'embedded', help: 'where the viewer files go: inside report.html, or in report_files/ beside it' }],
  positionals: [{ name: 'run', help: 'the run folder', required: true }],
  async run(args, io) {
    const dir = args.positionals[0]!;
    let study: string;
    try {
      study = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).study;
    } catch {
      throw new DataError(`${dir}: not a run folder (no readable config.json)`);
    }
    if (study !== 'proteomics' && study !== 'influence') throw new DataError(`${dir}: config.json names the study '${study}'; reports exist for proteomics and influence runs`);
    // a report of a mixed or edited folder would present numbers no run produced
    await verifyRunOutputs(dir);
    const path = io.writeReport ? await io.writeReport(dir, study, { assets: args.string('assets') as 'embedded' | 'folder' }) : null;
    if (!path) throw new DataError('no report writer is registered: run the relevance command from its bin (npx relevance), which loads the report app');
    io.stdout.write(`${path}\n`);
  },
};
