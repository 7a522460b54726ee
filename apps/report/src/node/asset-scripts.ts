/**
 * How report.html gets its viewer. Embedded (the default): every file inside
 * the page, so a report copied alone (emailed, attached to a notebook) is
 * interactive; the duckdb wasm file is already gzip+base64 text and goes in
 * as a classic script, the worker and viewer go in gzip-compressed with a
 * small loader that inflates and runs them. Folder: <script src> tags into
 * report_files/, each with an error handler, so a page copied without its
 * folder says which file is missing and keeps its static figures.
 */
import { gzipSync } from 'node:zlib';
import { escapeHtml } from '../figures/escape-html.js';
import { VIEWER_ASSET_FILES } from './viewer-assets.js';

export type AssetLayout = 'embedded' | 'folder';

/** Text safe inside <script>: nothing closes the element or opens an HTML comment. */
export function inlineScriptText(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const STATUS_FN = `function relevanceViewerFailed(text){var o=document.getElementById('viewer-status');if(o){o.textContent=text;o.dataset.state='error';}document.documentElement.dataset.viewer='error';}`;

/** Inflates the data-asset elements in order and runs each as a classic script. */
const LOADER = `${STATUS_FN}
(async function(){try{if(typeof DecompressionStream==='undefined')throw new Error('this browser cannot inflate the embedded viewer (no DecompressionStream)');
for(const el of document.querySelectorAll('script[data-asset]')){const bin=atob((el.textContent||'').replace(/\\s+/g,''));const bytes=new Uint8Array(bin.length);for(let i=0;i<bin.length;i++)bytes[i]=bin.charCodeAt(i);
const text=await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();const s=document.createElement('script');s.textContent=text;document.body.appendChild(s);}}
catch(e){relevanceViewerFailed('Interactive view unavailable ('+(e&&e.message||e)+'); the figures show the defaults.');}})();`;

const MISSING = `${STATUS_FN}
var relevanceMissing=[];
function relevanceAssetMissing(el){relevanceMissing.push(el.getAttribute('src'));relevanceViewerFailed('The interactive view could not load '+relevanceMissing.join(', ')+': keep the report_files/ folder beside report.html (or rebuild the report as one file with: relevance report <run>). The figures on this page are static and show the defaults.');}`;

/** The scripts at the end of the page for the chosen layout. */
export function assetScriptsHtml(layout: AssetLayout, assets: readonly { name: string; bytes: Uint8Array }[], assetsDir: string): string {
  if (layout === 'folder') {
    return [`<script>${MISSING}</script>`, ...VIEWER_ASSET_FILES.map((f) => `<script src="${escapeHtml(`${assetsDir}/${f}`)}" defer onerror="relevanceAssetMissing(this)"></script>`)].join('\n');
  }
  const out: string[] = [];
  for (const a of assets) {
    // the wasm file is base64 of gzip already: gzip would not shrink it again
    if (a.name === 'duckdb-eh-wasm.js') out.push(`<script data-file="${escapeHtml(a.name)}">${inlineScriptText(Buffer.from(a.bytes).toString('utf8'))}</script>`);
  }
  for (const a of assets) {
    if (a.name === 'duckdb-eh-wasm.js') continue;
    out.push(`<script type="application/octet-stream" data-asset="${escapeHtml(a.name)}" data-encoding="gzip+base64">${gzipSync(a.bytes, { level: 9 }).toString('base64')}</script>`);
  }
  out.push(`<script>${LOADER}</script>`);
  return out.join('\n');
}
