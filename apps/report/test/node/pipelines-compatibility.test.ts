/**
 * The seams with @relevance/pipelines: tables written by the pipelines
 * writer read back as the report expects, and the report hook writes a
 * report once the app registered its writer.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerReportWriter } from '../../src/register-report-writer.js';
import { decodeArrow } from '../../src/run/arrow-codec.js';
import { writeSyntheticInfluenceRun } from '../fixtures/synthetic-influence-run.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('pipelines compatibility', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir('compat')));
  afterAll(() => cleanup());

  it('reads tables written by the pipelines writer, ids as strings and NaN as missing', async () => {
    const p = await import('@relevance/pipelines');
    const path = join(dir, 'edges_instance.arrow');
    await p.writeTable(
      path,
      p.makeTable('edges_instance', [
        p.numberColumn('instance', [7, 8]),
        p.stringColumn('class', ['a', null]),
        p.stringColumn('source', ['A', 'B']),
        p.stringColumn('target', ['C', 'D']),
        p.numberColumn('relevance', [0.5, NaN]),
        p.numberColumn('relevance_st', [0.25, 1], true),
        p.numberColumn('relevance_ts', [0.25, 1]),
      ]),
    );
    const table = decodeArrow(await readFile(path), 'edges_instance');
    expect(table.rows).toEqual([
      { instance: '7', class: 'a', source: 'A', target: 'C', relevance: 0.5, relevance_st: 0.25, relevance_ts: 0.25 },
      { instance: '8', class: null, source: 'B', target: 'D', relevance: null, relevance_st: 1, relevance_ts: 1 },
    ]);
  });

  it('writes the report through the pipelines report hook once the writer is registered', async () => {
    const pipelines = await import('@relevance/pipelines');
    const seam = 'packages/pipelines/src/index.ts must export setReportWriter and writeReport from ./report-hook.js';
    expect(typeof pipelines.setReportWriter, seam).toBe('function');
    expect(typeof pipelines.writeReport, seam).toBe('function');
    const { writeReport, setReportWriter } = pipelines;
    const run = join(dir, 'run');
    await writeSyntheticInfluenceRun(run);
    setReportWriter(undefined);
    expect(await writeReport(run, 'influence')).toBeNull();
    registerReportWriter();
    expect(await writeReport(run, 'influence')).toBe(join(run, 'report.html'));
    // self-contained by default; the folder layout on request through the same hook
    expect(existsSync(join(run, 'report_files'))).toBe(false);
    expect(await writeReport(run, 'influence', { assets: 'folder' })).toBe(join(run, 'report.html'));
    expect(existsSync(join(run, 'report_files', 'relevance-viewer.js'))).toBe(true);
    setReportWriter(undefined);
  });
});
