/**
 * docs/READ-RESULTS.md stays true: its SQL blocks run in DuckDB on a fresh
 * run folder, and its Python blocks run where python3 has pandas and pyarrow
 * (skipped with the reason otherwise: this machine kind has no pyarrow
 * package, so neither CI nor a developer here can run them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { withConnection } from '../../src/io/duckdb.js';
import { runQuiet, smallOptions, tempDir } from '../studies/proteomics/helpers.js';

const DOC = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../../docs/READ-RESULTS.md');

function blocks(language: string): string[] {
  const text = readFileSync(DOC, 'utf8');
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

function pythonWithPyarrow(): string | null {
  const r = spawnSync('python3', ['-c', 'import pandas, pyarrow'], { encoding: 'utf8' });
  if (r.error) return 'python3 is not installed';
  return r.status === 0 ? null : `python3 lacks pandas or pyarrow (${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 80)})`;
}

describe('docs/READ-RESULTS.md', () => {
  let run: string;
  beforeAll(async () => {
    const dir = tempDir('relevance-read-results-');
    const known = join(dir, 'known.csv');
    writeFileSync(known, 'source,target\nP01,P02\nP01,P03\nP02,P04\nP06,P07\nP07,P08\n');
    run = join(dir, 'run');
    await runQuiet(smallOptions(run, { knownEdges: known, baselines: ['pearson', 'partial_correlation'] }));
  }, 120_000);

  it('has Python, R and SQL examples', () => {
    expect(blocks('python').length).toBeGreaterThanOrEqual(2);
    expect(blocks('r').length).toBeGreaterThanOrEqual(2);
    expect(blocks('sql').length).toBeGreaterThanOrEqual(3);
  });

  it('runs every SQL block in DuckDB on a run folder, each returning rows', async () => {
    for (const sql of blocks('sql')) {
      const rows = await withConnection(async (con) => (await con.runAndReadAll(sql.replaceAll('{run}', run))).getRowObjectsJS());
      expect(rows.length, sql).toBeGreaterThan(0);
    }
  });

  const missing = pythonWithPyarrow();
  it.skipIf(missing !== null)(`runs every Python block with pandas and pyarrow${missing ? ` (skipped: ${missing})` : ''}`, () => {
    const script = `run = ${JSON.stringify(run)}\n${blocks('python').join('\n')}`;
    const out = execFileSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(out).toMatch(/proteins; seed 1/);
  });
});
