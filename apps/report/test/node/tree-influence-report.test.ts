/**
 * The influence report of a run on an ONNX-ML tree ensemble (`relevance study
 * influence --model trees.onnx`, packages/methods' gbm_multi fixture): the
 * study writes TreeSHAP values in place of gradients, and the report draws
 * every figure from them and says in the class section that the values are
 * TreeSHAP, not gradients.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReport } from '../../src/write-run-report.js';
import { tempDir } from '../helpers/temp-dir.js';

const FIX = fileURLToPath(new URL('../../../../packages/methods/test/fixtures/trees/', import.meta.url));

describe('influence report on a tree ensemble', () => {
  let dir: string;
  let cleanup: () => void;
  let html: string;
  beforeAll(async () => {
    ({ dir, cleanup } = tempDir('tree-influence'));
    const { runInfluenceStudy } = await import('@relevance/pipelines');
    const { importTreeEnsemble, predictTreesClass } = await import('@relevance/methods');
    const j = JSON.parse(readFileSync(join(FIX, 'gbm_multi.json'), 'utf8')) as { x: number[][]; background: number[][] };
    const rows = [...j.x, ...j.background];
    const labels = predictTreesClass(importTreeEnsemble(readFileSync(join(FIX, 'gbm_multi.onnx'))), Float32Array.from(rows.flat()), rows.length);
    const csv = join(dir, 'trees.csv');
    writeFileSync(csv, ['sample,label,f0,f1,f2,f3,f4,f5', ...rows.map((r, i) => [`s${i + 1}`, `class${labels[i]}`, ...r.map(String)].join(','))].join('\n') + '\n');
    const out = join(dir, 'run');
    await runInfluenceStudy({ data: csv, labelColumn: 'label', model: join(FIX, 'gbm_multi.onnx'), classes: ['class0', 'class1', 'class2'], out });
    html = readFileSync(await writeRunReport(out, 'influence'), 'utf8');
  });
  afterAll(() => cleanup());

  it('says the class influence is TreeSHAP and draws the class and instance figures', () => {
    const { document } = parseHTML(html);
    const intro = document.querySelector('#section-classes .section-intro')!.textContent!;
    expect(intro).toMatch(/tree ensemble, which has no gradient: every influence here is its exact interventional TreeSHAP value/);
    for (const id of ['class-influence', 'class-profile', 'comparative-influence', 'rank-correlation', 'confusion']) {
      const figure = document.querySelector(`[data-figure="${id}"]`);
      expect(figure, id).not.toBeNull();
      expect(figure!.innerHTML, id).not.toContain('Not available');
    }
    expect(html).toContain('tree-shap (exact interventional TreeSHAP');
  });
});
