/**
 * Every subcommand, in the order `relevance --help` lists them. To add one,
 * write a module exporting a Command and add it here (explain, study,
 * evaluate, tsne and simulate go in this list too).
 */
import type { Command } from './command.js';
import { predictCommand } from './predict.js';
import { explainCommand } from './commands/explain.js';
import { studyCommand } from './commands/study.js';
import { mergeCommand } from './commands/merge.js';
import { reportCommand } from './commands/report.js';
import { evaluateCommand } from './commands/evaluate.js';
import { neighboursCommand } from './commands/neighbours.js';
import { tsneCommand } from './commands/tsne.js';
import { umapCommand } from './commands/umap.js';
import { simulateCommand } from './commands/simulate.js';
import { benchmarkCommand } from './commands/benchmark.js';
import { tcavCommand } from './commands/tcav.js';
import { strategiesCommand } from './commands/strategies.js';
import { counterfactualsCommand } from './commands/counterfactuals.js';
import { trainCommand } from './commands/train.js';
import { appCommand } from './commands/app.js';
import { summaryCommand } from './commands/summary.js';

export const COMMANDS: readonly Command[] = [studyCommand, mergeCommand, summaryCommand, reportCommand, predictCommand, explainCommand, evaluateCommand, tsneCommand, umapCommand, neighboursCommand, simulateCommand, benchmarkCommand, tcavCommand, strategiesCommand, counterfactualsCommand, trainCommand, appCommand];
