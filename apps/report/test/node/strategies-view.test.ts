/** The strategies view: a run folder with strategies/strategies.json (relevance strategies --run) shows its clusters; without it the page is unchanged. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { writeRunReport } from '../../src/write-run-report.js';
import { REPORTED_STUDIES, reportedRunPerDescribe } from '../helpers/synthetic-runs.js';

const STRATEGIES = {
  method: 'SpRAy (Lapuschkin et al. 2019)', k: 2, chosen_by: 'eigengap', neighbours: 10, eigenvalues: [0, 0.01, 0.4], eigengaps: [0.01, 0.39],
  clusters: [
    { cluster: 0, size: 30, classes: { A: 0.9, B: 0.1 }, top_features: [{ name: 'hans', relevance: 2.5 }, { name: 'f0', relevance: 0.4 }], distinguishing_features: [{ name: 'hans', relevance: 2.1 }] },
    { cluster: 1, size: 20, classes: { B: 1 }, top_features: [{ name: 'f1<b>', relevance: -1.25 }], distinguishing_features: [{ name: 'f1<b>', relevance: -1 }] },
  ],
};

describe.each(REPORTED_STUDIES)('%s report with strategies', (_study, make) => {
  const shown = reportedRunPerDescribe(make);

  it('gains a strategies section listing every cluster, and loses it again when the folder goes', async () => {
    expect(shown.html).not.toContain('section-strategies');
    mkdirSync(join(shown.run.dir, 'strategies'), { recursive: true });
    writeFileSync(join(shown.run.dir, 'strategies', 'strategies.json'), JSON.stringify(STRATEGIES));
    const html = readFileSync(await writeRunReport(shown.run.dir), 'utf8');
    const { document } = parseHTML(html);
    const section = document.getElementById('section-strategies')!;
    expect(section).not.toBeNull();
    expect(section.textContent).toContain('2 strategies (the eigengap');
    const rows = Array.from(section.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent));
    expect(rows.length).toBe(2);
    expect(rows[0]!.slice(0, 3)).toEqual(['0', '30', 'A 90%, B 10%']);
    expect(rows[0]![3]).toContain('hans 2.50');
    expect(rows[1]![2]).toBe('B 100%');
    // names are escaped
    expect(html).toContain('f1&lt;b&gt;');
    // the catalogue's figures are untouched
    expect(section.querySelectorAll('[data-figure]').length).toBe(0);
    rmSync(join(shown.run.dir, 'strategies'), { recursive: true });
    expect(readFileSync(await writeRunReport(shown.run.dir), 'utf8')).toBe(shown.html);
  }, 120_000);
});
