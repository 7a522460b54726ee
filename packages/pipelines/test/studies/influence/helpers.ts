/** Helpers for the influence study tests: the CLI with the study command, synthetic tables, run-folder reads. */
import { readFileSync } from 'node:fs';
import { Generator } from '@relevance/core-wasm';
import { runCli } from '../../../src/index.js';
import { studyCommand } from '../../../src/cli/commands/study.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `relevance <argv>` in process, with the study command registered (COMMANDS may not list it yet). */
export async function runStudyCli(argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: {},
  }, [studyCommand]);
  return { code, stdout, stderr };
}

/**
 * A CSV with an id, a label and 6 features: class A is driven by f1 + f2,
 * class B by f3 + f4, class C is the rest (multinomial logistic labels).
 */
export function syntheticCsv(rows: number, seed: number, options: { classCounts?: Record<string, number> } = {}): string {
  const g = new Generator(seed);
  const lines = ['sample,subtype,f0,f1,f2,f3,f4,f5'];
  for (let r = 0; r < rows; r++) {
    const f = Array.from({ length: 6 }, () => g.normal());
    const scores = [2.5 * (f[1]! + f[2]!), 2.5 * (f[3]! + f[4]!), 1];
    const m = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - m));
    let u = g.uniform() * e.reduce((a, b) => a + b, 0);
    let c = 0;
    while (c < 2 && u >= e[c]!) u -= e[c++]!;
    lines.push([`s${r + 1}`, 'ABC'[c], ...f.map((v) => v.toFixed(5))].join(','));
  }
  if (options.classCounts) {
    let k = rows;
    for (const [label, count] of Object.entries(options.classCounts)) {
      for (let i = 0; i < count; i++) lines.push([`x${++k}`, label, ...Array.from({ length: 6 }, () => g.normal().toFixed(5))].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
