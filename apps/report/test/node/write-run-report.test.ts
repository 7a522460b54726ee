/**
 * The static report: every figure present before any script runs,
 * deterministic bytes, the page's embedded tables and its size, the
 * assets beside it, and clear errors for folders it cannot read.
 */
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figureIds, sectionsOf } from '../../src/report/figure-catalogue.js';
import type { ReportState } from '../../src/report/report-state.js';
import { readRunFolder } from '../../src/run/read-run-folder.js';
import { writeRunReport } from '../../src/write-run-report.js';
import { inSyntheticProteomicsRun, proteomicsRunWithReport, REPORTED_STUDIES, reportedRunPerDescribe, type ReportedRun } from '../helpers/synthetic-runs.js';

function stateOf(html: string): ReportState {
  const { document } = parseHTML(html);
  return JSON.parse(document.getElementById('relevance-report-state')!.textContent!) as ReportState;
}

function folderSize(dir: string, files: readonly string[]): number {
  return files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

describe.each(REPORTED_STUDIES)('%s report', (study, make) => {
  const shown = reportedRunPerDescribe(make);

  it('holds every figure of the catalogue, drawn statically, under a stable data-figure id', () => {
    const { document } = parseHTML(shown.html);
    const ids = Array.from(document.querySelectorAll('[data-figure]')).map((f) => f.getAttribute('data-figure'));
    expect(ids).toEqual(figureIds(study));
    for (const section of sectionsOf(study)) {
      for (const f of section.figures) {
        const body = document.querySelector(`[data-figure="${f.id}"] .figure-body`)!;
        expect(body.querySelector('svg, table'), `${f.id} has a static SVG or table`).not.toBeNull();
      }
    }
  });

  it('writes the same bytes for the same run, with no clock or random ids inside', async () => {
    const again = readFileSync(await writeRunReport(shown.run.dir), 'utf8');
    expect(again).toBe(shown.html);
    // the same run written again into another folder
    const other = await make();
    try {
      expect(readFileSync(other.report, 'utf8')).toBe(shown.html);
    } finally {
      other.cleanup();
    }
    expect(shown.html).not.toMatch(/plot-clip-|plot-pattern-|\b20\d\d-\d\d-\d\dT/);
  });

  it('embeds the tables as Arrow streams, the state the viewer needs, and the viewer itself (no script src, no report_files/)', () => {
    const { document } = parseHTML(shown.html);
    const state = stateOf(shown.html);
    const tables = Array.from(document.querySelectorAll('script[type="application/octet-stream"][data-table]')).map((t) => t.getAttribute('data-table'));
    expect(tables).toEqual(state.tables.map((t) => t.name));
    expect(document.querySelectorAll('script[src]').length).toBe(0);
    expect(Array.from(document.querySelectorAll('script[data-asset]')).map((s) => s.getAttribute('data-asset'))).toEqual(['duckdb-eh-worker.js', 'relevance-viewer.js']);
    expect(document.querySelector('script[data-file="duckdb-eh-wasm.js"]')!.textContent).toMatch(/wasmGzipBase64 = "/);
    expect(existsSync(join(shown.run.dir, 'report_files'))).toBe(false);
    expect(state.classes.length).toBe(3);
    expect(state.defaults.className).toBe(state.classes[0]);
    expect(document.querySelectorAll('[data-control]').length).toBeGreaterThanOrEqual(4);
  });

  it('compresses what it embeds: the page is smaller than the viewer files it replaces plus its tables', async () => {
    const folder = await make();
    try {
      const foldered = await writeRunReport(folder.dir, undefined, { assets: 'folder' });
      const assets = ['duckdb-eh-worker.js', 'duckdb-eh-wasm.js', 'relevance-viewer.js'];
      const separate = statSync(foldered).size + folderSize(join(folder.dir, 'report_files'), assets);
      const single = statSync(shown.run.report).size;
      console.log(`${study}: self-contained report.html ${(single / 1e6).toFixed(2)} MB; folder layout ${(statSync(foldered).size / 1e3).toFixed(0)} kB + report_files/ ${((separate - statSync(foldered).size) / 1e6).toFixed(2)} MB`);
      expect(single).toBeLessThan(separate);
      const { document } = parseHTML(readFileSync(foldered, 'utf8'));
      expect(Array.from(document.querySelectorAll('script[src]')).map((s) => s.getAttribute('src'))).toEqual(assets.map((a) => `report_files/${a}`));
      for (const s of Array.from(document.querySelectorAll('script[src]'))) expect(s.getAttribute('onerror')).toBe('relevanceAssetMissing(this)');
    } finally {
      folder.cleanup();
    }
  });
});

describe('proteomics page contents', () => {
  let run: ReportedRun;
  beforeAll(async () => {
    run = await proteomicsRunWithReport();
  });
  afterAll(() => run.cleanup());

  it('limits the per-instance edges to each instance’s strongest pairs and says so', () => {
    const html = readFileSync(run.report, 'utf8');
    const state = stateOf(html);
    const instanceTable = state.tables.find((t) => t.name === 'edges_instance')!;
    expect(instanceTable).toMatchObject({ rows: 1440, embeddedRows: 600, rule: "each instance's 50 strongest pairs" });
    expect(state.instanceTopK).toBe(50);
    expect(html).toContain('600 of 1,440 rows');
    expect(html).toContain('the page holds only these per instance');
  });

  it('orders proteins by clustering, leaves dropped proteins out, and summarises the run in the header', () => {
    const html = readFileSync(run.report, 'utf8');
    const state = stateOf(html);
    expect(state.order).toHaveLength(16);
    expect(state.order).not.toContain('XDROP');
    // the MAPK module (KRAS-BRAF-MAPK1-MAPK3) is contiguous
    const positions = ['KRAS', 'BRAF', 'MAPK1', 'MAPK3'].map((p) => state.order.indexOf(p)).sort((a, b) => a - b);
    expect(positions[3]! - positions[0]!).toBe(3);
    const { document } = parseHTML(html);
    const header = document.querySelector('.report-header')!.textContent!;
    for (const text of ['seed', '7', 'wasm', 'synthetic-rppa.csv', 'cohort AUROC', '16 (1 dropped)', 'dropped columns', 'XDROP (missing in 62.5% of rows (> --max-missing 0.5))']) expect(header).toContain(text);
  });
});

describe('reading run folders', () => {
  it('infers the study from the tables when the JSON documents do not say', async () => {
    await inSyntheticProteomicsRun('infer', async (dir) => {
      writeFileSync(join(dir, 'manifest.json'), '{}');
      writeFileSync(join(dir, 'config.json'), '{}');
      expect((await readRunFolder(dir)).study).toBe('proteomics');
    });
  });

  it('names the missing table and what to do', async () => {
    await inSyntheticProteomicsRun('missing', async (dir) => {
      rmSync(join(dir, 'edges_cohort.arrow'));
      await expect(readRunFolder(dir, 'proteomics')).rejects.toThrow(/edges_cohort\.arrow: missing.*rerun the study/);
      rmSync(join(dir, 'training.arrow'));
      expect(existsSync(join(dir, 'training.arrow'))).toBe(false);
    });
  });

  it('treats a missing optional table as empty and says so in the figure', async () => {
    await inSyntheticProteomicsRun('optional', async (dir) => {
      rmSync(join(dir, 'training.arrow'));
      rmSync(join(dir, 'curves.arrow'));
      const html = readFileSync(await writeRunReport(dir), 'utf8');
      const { document } = parseHTML(html);
      expect(document.querySelector('[data-figure="training"] .figure-empty')?.textContent).toMatch(/No training history/);
      expect(document.querySelector('[data-figure="roc-curves"] .figure-empty')).not.toBeNull();
    });
  });

  it('reports a folder that does not exist', async () => {
    await expect(readRunFolder('/nonexistent/run')).rejects.toThrow(/no such run folder/);
  });
});
