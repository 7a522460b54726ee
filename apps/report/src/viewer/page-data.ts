/** Read what the static page embedded: the report state (JSON) and the Arrow tables (gzip-compressed IPC streams in base64). */
import type { ReportState } from '../report/report-state.js';
import { base64Bytes } from './base64.js';
import { gunzip } from './gunzip.js';

export function readReportState(doc: Document): ReportState {
  const el = doc.getElementById('relevance-report-state');
  if (!el?.textContent) throw new Error('the page has no report state (script#relevance-report-state)');
  return JSON.parse(el.textContent) as ReportState;
}

export interface EmbeddedArrow {
  name: string;
  bytes: Uint8Array;
}

export async function readEmbeddedTables(doc: Document): Promise<EmbeddedArrow[]> {
  const elements = Array.from(doc.querySelectorAll<HTMLScriptElement>('script[type="application/octet-stream"][data-table]'));
  return Promise.all(
    elements.map(async (el) => {
      const bytes = base64Bytes(el.textContent ?? '');
      return { name: el.dataset.table!, bytes: el.dataset.encoding === 'gzip+base64' ? await gunzip(bytes) : bytes };
    }),
  );
}
