/**
 * The studio page: load a table or take the synthetic cohort, set the
 * study's options (the CLI's), run it in a Web Worker, watch progress with an
 * estimate, cancel, see the headline figures and download the run folder.
 * The root element carries data-run-state="idle|running|done|failed",
 * data-backend (the backend of the last run) and data-webgpu (what WebGPU
 * adapter the browser offers: hardware|software|none); the
 * URL carries the configuration (?demo=synthetic&seed=1&epochs=20 ...).
 */
import { studyProteomicsCommand } from '@relevance/pipelines/src/cli/commands/study-proteomics.js';
import { studyInfluenceCommand } from '@relevance/pipelines/src/cli/commands/study-influence.js';
import { estimateRemaining, formatDuration } from '@relevance/pipelines/src/progress/format-duration.js';
import type { LoadedTable } from '@relevance/pipelines/src/io/table.js';
import { tableFromBytes } from './adapters/read-file.js';
import type { RunRequest, WorkerMessage } from './protocol.js';
import type { WebGpuInfo } from './backend.js';
import { dataArgv, showTable } from './ui/data-panel.js';
import { buildOptionsForm, changedOptions } from './ui/options-form.js';
import { showHeadline } from './ui/results.js';
import { download, unzipRunFolder, zipRunFolder } from './ui/zip.js';
import { showRunFolder } from './ui/run-view.js';
import { keepRun, showKeptRuns } from './ui/kept-runs.js';
import { explainRequest, fillMethods, setExplainState, showAttributions } from './ui/explain-panel.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const root = document.documentElement;
const params = new URLSearchParams(location.search);
type Study = 'proteomics' | 'influence';
let study: Study = params.get('study') === 'influence' ? 'influence' : 'proteomics';
const optionsOf = (s: Study) => (s === 'influence' ? studyInfluenceCommand : studyProteomicsCommand).options;
/** What the worker is doing: one job at a time (a study and an explain job never share it). */
let busy: 'study' | 'explain' | null = null;

interface LoadedFile { name: string; bytes: ArrayBuffer; table: LoadedTable }
let loaded: LoadedFile | null = null;
let worker: Worker | null = null;
let lastRun: Record<string, Uint8Array> | null = null;
let phase = { label: '', started: 0 };

function setState(state: 'idle' | 'running' | 'done' | 'failed'): void {
  root.dataset.runState = state;
  if (busy === 'study' && state !== 'running') busy = null;
  $<HTMLButtonElement>('run').disabled = state === 'running';
  $<HTMLButtonElement>('cancel').disabled = state !== 'running';
}

function log(line: string): void {
  $('log').textContent += `${line}\n`;
}

function onProgress(m: Extract<WorkerMessage, { type: 'progress' }>): void {
  if (m.label !== phase.label || m.done === 0) phase = { label: m.label, started: performance.now() };
  const bar = $<HTMLProgressElement>('progress');
  bar.max = Math.max(1, m.total);
  bar.value = m.done;
  const remaining = estimateRemaining(performance.now() - phase.started, m.done, m.total);
  const eta = remaining === undefined ? '' : `, about ${formatDuration(remaining)} left`;
  $('progress-text').textContent = `${m.label} ${m.done}/${m.total}${eta}${m.detail ? ` (${m.detail})` : ''}`;
}

/** What --backend auto will use here, next to the options (root: data-webgpu="hardware|software|none"). */
function showWebGpu(info: WebGpuInfo): void {
  root.dataset.webgpu = info.kind;
  const wasm = crossOriginIsolated ? `wasm with ${navigator.hardwareConcurrency} threads (cross-origin isolated)` : 'wasm on one thread (the page is not cross-origin isolated)';
  const auto = info.kind === 'hardware' ? 'WebGPU' : wasm;
  const note = info.kind === 'software' ? ' (a software adapter, slower than wasm: --backend webgpu uses it, auto does not)' : '';
  $('backend-note').textContent = `WebGPU: ${info.kind === 'none' ? `none (${info.adapter})` : info.adapter}${note}. --backend auto runs on ${auto}.`;
}

function onMessage(m: WorkerMessage): void {
  if (m.type === 'ready') root.dataset.worker = 'ready';
  else if (m.type === 'webgpu') showWebGpu(m.info);
  else if (m.type === 'explained') {
    busy = null;
    showAttributions(m);
    setExplainState('done');
  } else if (m.type === 'failed' && busy === 'explain') {
    busy = null;
    $('explain-error').textContent = m.message;
    setExplainState('failed');
  } else if (m.type === 'log') log(m.line);
  else if (m.type === 'progress') onProgress(m);
  else if (m.type === 'failed') {
    $('error').textContent = `${m.name === 'Error' ? '' : `${m.name}: `}${m.message}`;
    setState('failed');
  } else {
    lastRun = m.files;
    root.dataset.backend = m.backend;
    const total = (m.metrics.timing_s as Record<string, number> | undefined)?.total;
    log(`done on ${m.backend} with ${m.threads} thread${m.threads === 1 ? '' : 's'}, timing_s.total ${total} s`);
    showResults(m.files, m.metrics);
    setState('done');
  }
}

function showResults(files: Record<string, Uint8Array>, metrics: Record<string, unknown>): void {
  $('results').hidden = false;
  $('keep-state').textContent = '';
  showHeadline($('headline'), metrics);
  void showRunFolder($('figures'), files).catch((e: Error) => log(`figures: ${e.message}`));
}

/** The worker's script, fetched once at load: a cancelled worker is replaced without another request. */
let workerUrl = 'study-worker.js';

function studyWorker(): Worker {
  worker ??= new Worker(workerUrl);
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => onMessage(e.data);
  worker.onerror = (e) => onMessage({ type: 'failed', name: 'Error', message: e.message || 'the study worker failed to start' });
  return worker;
}

/** Refuse a second job while the worker is busy (the message names the job that runs). */
function refuseWhenBusy(errorId: string): boolean {
  if (!busy) return false;
  $(errorId).textContent = busy === 'study' ? 'a study is running in the worker; wait for it to finish or cancel it, then explain the model' : 'an explain job is running in the worker; wait for it to finish, then run the study';
  return true;
}

export function startRun(synthetic: boolean): void {
  if (refuseWhenBusy('error')) return;
  const changed = changedOptions($('options'), optionsOf(study));
  const argv = [...(synthetic || !loaded ? [] : dataArgv(loaded.name, study)), ...changed.map(([k, v]) => `--${k}=${v}`)];
  const studyParam: Array<[string, string]> = study === 'influence' ? [['study', 'influence']] : [];
  const url = new URLSearchParams(synthetic || !loaded ? [...studyParam, ['demo', 'synthetic'], ...changed] : [...studyParam, ...changed]);
  history.replaceState(null, '', `?${url}`);
  busy = 'study';
  $('error').textContent = '';
  $('log').textContent = '';
  $('results').hidden = true;
  setState('running');
  const request: RunRequest = { type: 'run', study, argv, ...(!synthetic && loaded ? { file: { name: loaded.name, bytes: loaded.bytes.slice(0) } } : {}) };
  studyWorker().postMessage(request);
}

function cancelRun(): void {
  busy = null;
  worker?.terminate();
  worker = null;
  root.dataset.worker = 'starting';
  studyWorker();
  log('cancelled');
  $('progress-text').textContent = 'cancelled';
  setState('idle');
}

async function loadFile(file: File): Promise<void> {
  $('error').textContent = '';
  try {
    const bytes = await file.arrayBuffer();
    const table = await tableFromBytes(bytes, file.name);
    loaded = { name: file.name, bytes, table };
    showTable(table);
  } catch (e) {
    loaded = null;
    $('error').textContent = (e as Error).message;
    setState('failed');
  }
}

/** The study a run folder's config.json names. */
function runStudy(files: Record<string, Uint8Array>): string {
  const config = files['config.json'];
  return config ? String((JSON.parse(new TextDecoder().decode(config)) as { study?: unknown }).study ?? 'proteomics') : 'proteomics';
}

async function reopen(files: Record<string, Uint8Array>): Promise<void> {
  const metricsBytes = files['metrics.json'];
  if (!metricsBytes) throw new Error('this is not a run folder: it has no metrics.json');
  lastRun = files;
  showResults(files, JSON.parse(new TextDecoder().decode(metricsBytes)) as Record<string, unknown>);
  setState('done');
}

async function wire(): Promise<void> {
  workerUrl = URL.createObjectURL(await (await fetch('study-worker.js')).blob());
  buildOptionsForm($('options'), optionsOf(study), params);
  const studySelect = $<HTMLSelectElement>('study');
  studySelect.value = study;
  studySelect.onchange = () => {
    study = studySelect.value as Study;
    $('options').replaceChildren();
    buildOptionsForm($('options'), optionsOf(study), new URLSearchParams());
    $('study-name').textContent = study;
  };
  $('study-name').textContent = study;
  $('run').onclick = () => startRun(loaded === null);
  $('use-synthetic').onclick = () => startRun(true);
  $('cancel').onclick = cancelRun;
  fillMethods();
  $('explain-run').onclick = async () => {
    $('explain-error').textContent = '';
    if (refuseWhenBusy('explain-error')) return;
    try {
      const request = await explainRequest();
      busy = 'explain';
      setExplainState('running');
      studyWorker().postMessage(request);
    } catch (e) {
      $('explain-error').textContent = (e as Error).message;
      setExplainState('failed');
    }
  };
  $<HTMLInputElement>('file-input').onchange = (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) void loadFile(file);
  };
  $('download').onclick = () => {
    if (!lastRun) return;
    const folder = `relevance-${runStudy(lastRun)}-run`;
    download(zipRunFolder(folder, lastRun), `${folder}.zip`);
  };
  $('keep').onclick = async () => {
    if (!lastRun) return;
    try {
      await keepRun(runStudy(lastRun), lastRun);
      $('keep-state').textContent = 'kept in this browser';
    } catch (e) {
      $('keep-state').textContent = `could not keep the run: ${(e as Error).message}`;
    }
  };
  $('show-kept').onclick = () => void showKeptRuns($('kept-runs'), (files) => void reopen(files).catch((err: Error) => ($('error').textContent = err.message))).catch((e: Error) => ($('kept-runs').textContent = e.message));
  $<HTMLInputElement>('reopen-zip').onchange = async (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) await reopen(unzipRunFolder(new Uint8Array(await file.arrayBuffer()))).catch((err: Error) => ($('error').textContent = err.message));
  };
  $<HTMLInputElement>('reopen-dir').onchange = async (e) => {
    const files: Record<string, Uint8Array> = {};
    for (const f of (e.target as HTMLInputElement).files ?? []) if (!f.webkitRelativePath.split('/').slice(1, -1).length) files[f.name] = new Uint8Array(await f.arrayBuffer());
    await reopen(files).catch((err: Error) => ($('error').textContent = err.message));
  };
  setState('idle');
  studyWorker(); // started now, so running a study makes no request after the page has loaded
  if (params.get('demo') === 'synthetic') startRun(true);
}

void wire();
