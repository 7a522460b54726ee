/**
 * A run folder's figures, live in the page: the report app's own code
 * (apps/report: table decoding, page preparation, the figure functions and
 * the viewer's renderer) over the run's Arrow files and JSON documents in
 * memory. Nothing is forked; the studio only lays the figures out.
 */
import { prepareProteomics } from '@relevance/report/src/node/prepare-proteomics.js';
import { prepareInfluence } from '@relevance/report/src/node/prepare-influence.js';
import { memoryInfluenceData } from '@relevance/report/src/node/memory-influence-data.js';
import { buildInfluenceFigures } from '@relevance/report/src/report/influence-figures.js';
import { memoryProteomicsData } from '@relevance/report/src/node/memory-proteomics-data.js';
import { DEFAULT_EMBED_LIMITS } from '@relevance/report/src/node/embed-limits.js';
import { buildProteomicsFigures } from '@relevance/report/src/report/proteomics-figures.js';
import { sectionsOf } from '@relevance/report/src/report/figure-catalogue.js';
import { decodeArrow } from '@relevance/report/src/run/arrow-codec.js';
import type { JsonObject, RunFolder } from '@relevance/report/src/run/read-run-folder.js';
import type { RunTable } from '@relevance/report/src/run/run-table.js';
import { tablesOf } from '@relevance/report/src/run/table-names.js';
import { renderFigure } from '@relevance/report/src/viewer/render-figure.js';

function json(files: Record<string, Uint8Array>, name: string): JsonObject {
  const bytes = files[name];
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as JsonObject) : {};
}

/** The run folder as the report reads it, from the files in memory. */
export function runFolderFromFiles(files: Record<string, Uint8Array>, name = 'run'): RunFolder {
  const config = json(files, 'config.json');
  const study = config.study;
  if (study !== 'proteomics' && study !== 'influence') throw new Error(`${name}: the app shows proteomics and influence runs; config.json names the study '${String(study)}'`);
  const tables: Record<string, RunTable> = {};
  const notes: string[] = [];
  for (const t of tablesOf(study)) {
    const bytes = files[`${t}.arrow`];
    if (bytes) tables[t] = decodeArrow(bytes, t);
    else notes.push(`${t}.arrow is missing`);
  }
  return { dir: name, study, config, manifest: json(files, 'manifest.json'), metrics: json(files, 'metrics.json'), tables, notes };
}

export async function showRunFolder(container: HTMLElement, files: Record<string, Uint8Array>): Promise<void> {
  const run = runFolderFromFiles(files);
  const docs = { metrics: run.metrics, manifest: run.manifest };
  let figures: Awaited<ReturnType<typeof buildProteomicsFigures>>;
  if (run.study === 'influence') {
    const prepared = prepareInfluence(run, DEFAULT_EMBED_LIMITS);
    figures = await buildInfluenceFigures(memoryInfluenceData(prepared.tables), prepared.state, prepared.state.defaults, docs);
  } else {
    const prepared = prepareProteomics(run, DEFAULT_EMBED_LIMITS);
    figures = await buildProteomicsFigures(memoryProteomicsData(prepared.tables), prepared.state, prepared.state.defaults, docs);
  }
  container.replaceChildren();
  for (const section of sectionsOf(run.study)) {
    const h = document.createElement('h3');
    h.textContent = section.title;
    container.append(h);
    for (const entry of section.figures) {
      const figure = document.createElement('figure');
      figure.dataset.figure = entry.id;
      figure.innerHTML = '<figcaption></figcaption><div class="figure-body"></div><p class="figure-note" hidden></p>';
      figure.querySelector('figcaption')!.textContent = `${entry.title}: ${entry.caption}`;
      container.append(figure);
      const content = figures[entry.id];
      if (content) renderFigure(document, entry.id, content);
    }
  }
  for (const note of run.notes) container.append(Object.assign(document.createElement('p'), { textContent: note }));
}
