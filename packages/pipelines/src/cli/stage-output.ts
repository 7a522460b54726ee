/**
 * What the classifier-stage commands (train, tcav, counterfactuals, strategies) write into their
 * output folder, in one module the commands load on use (so `relevance --help` starts without it).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeTable } from '../io/write-table.js';
import type { Table } from '../io/table.js';

export { saveStageModel } from '../studies/influence/prepare-classifier.js';
export { writeJsonAtomic, writeTextAtomic } from '../io/atomic-write.js';
export { makeTable, numberColumn, stringColumn } from '../io/table.js';

/** Makes the output folder (and its parents) when missing. */
export async function makeOutputFolder(out: string): Promise<void> {
  await mkdir(out, { recursive: true });
}

/** Writes `table` as <out>/<stem>.parquet, then as <out>/<stem>.csv. */
export async function writeParquetAndCsv(out: string, stem: string, table: Table): Promise<void> {
  await writeTable(join(out, `${stem}.parquet`), table);
  await writeTable(join(out, `${stem}.csv`), table);
}
