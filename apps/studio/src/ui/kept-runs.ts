/**
 * Opt-in storage: a run is kept in this browser (IndexedDB) only when the
 * user clicks "Keep this run in the browser"; nothing is stored otherwise,
 * and the database is not even opened until then or until the user asks to
 * list kept runs. Kept runs can be reopened and deleted from the page.
 */
const DB = 'relevance-studio';
const STORE = 'runs';

export interface KeptRun {
  key: string;
  study: string;
  saved: string;
  files: Record<string, Uint8Array>;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: 'key' });
  return request(open);
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await request(work(db.transaction(STORE, mode).objectStore(STORE)));
  } finally {
    db.close();
  }
}

/** Whether this browser has a database of kept runs (without creating one). */
export async function haveKeptRuns(): Promise<boolean> {
  const list = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  return list.some((d) => d.name === DB);
}

export function keepRun(study: string, files: Record<string, Uint8Array>, now = new Date()): Promise<IDBValidKey> {
  const saved = now.toISOString();
  return withStore('readwrite', (s) => s.put({ key: `${study} ${saved}`, study, saved, files } satisfies KeptRun));
}

export async function keptRuns(): Promise<KeptRun[]> {
  if (!(await haveKeptRuns())) return [];
  return withStore('readonly', (s) => s.getAll() as IDBRequest<KeptRun[]>);
}

export function forgetRun(key: string): Promise<undefined> {
  return withStore('readwrite', (s) => s.delete(key));
}

/** The kept-runs list: reopen or delete each. */
export async function showKeptRuns(container: HTMLElement, reopen: (files: Record<string, Uint8Array>) => void): Promise<void> {
  const runs = await keptRuns();
  container.replaceChildren();
  if (!runs.length) container.textContent = 'No runs are kept in this browser.';
  for (const run of runs) {
    const row = document.createElement('div');
    row.dataset.keptRun = run.key;
    const open = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Reopen', className: 'kept-reopen' });
    open.onclick = () => reopen(run.files);
    const del = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Delete', className: 'kept-delete' });
    del.onclick = async () => {
      await forgetRun(run.key);
      await showKeptRuns(container, reopen);
    };
    row.append(`${run.study} run kept ${run.saved} (${Object.keys(run.files).length} files) `, open, ' ', del);
    container.append(row);
  }
}
