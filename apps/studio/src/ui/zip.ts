/** The run folder as a .zip (fflate), and a zip or picked folder back to its files. */
import { unzipSync, zipSync } from 'fflate';

export function zipRunFolder(folder: string, files: Record<string, Uint8Array>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const name of Object.keys(files).sort()) entries[`${folder}/${name}`] = files[name]!;
  // fixed timestamps: the same run gives the same zip
  return zipSync(entries, { level: 6, mtime: new Date(1980, 0, 1) });
}

/** Files of a zipped run folder, by name inside the folder (the folder prefix is dropped). */
export function unzipRunFolder(bytes: Uint8Array): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [path, data] of Object.entries(unzipSync(bytes))) {
    if (path.endsWith('/')) continue;
    out[path.replace(/^[^/]+\//, '')] = data;
  }
  return out;
}

export function download(bytes: Uint8Array, name: string, type = 'application/zip'): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
