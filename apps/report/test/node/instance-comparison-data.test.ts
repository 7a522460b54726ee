/**
 * The "instance versus class" figure sets a patient's relevance beside its class's median relevance of the
 * same pair (the same quantity over the class's patients), not beside the class network's score, which is
 * damped and weighted by partial correlation and so on another scale.
 */
import { describe, expect, it } from 'vitest';
import { memoryProteomicsData } from '../../src/node/memory-proteomics-data.js';
import type { RunTable } from '../../src/run/run-table.js';

const table = (name: string, rows: Record<string, unknown>[]): RunTable => ({
  name,
  columns: Object.keys(rows[0] ?? {}).map((c) => ({ name: c, kind: typeof rows[0]![c] === 'number' ? 'number' : 'string' })),
  rows: rows as RunTable['rows'],
});

describe('instance versus class data', () => {
  it("pairs each edge of the instance with its class's median relevance, not the class score", async () => {
    const data = memoryProteomicsData({
      edges_class: table('edges_class', [
        { class: 'A', source: 'P1', target: 'P2', relevance: 0.04, median: 0.7, q25: 0.5, q75: 0.9, mean: 0.72, instances: 10 },
        { class: 'B', source: 'P1', target: 'P2', relevance: 0.03, median: 0.2, q25: 0.1, q75: 0.3, mean: 0.21, instances: 10 },
      ]),
      edges_instance: table('edges_instance', [{ instance: 'i1', class: 'A', source: 'P1', target: 'P2', relevance: 0.8 }]),
    });
    expect(await data.instanceEdges('i1', null)).toEqual([{ source: 'P1', target: 'P2', instance: 0.8, class: 0.7 }]);
  });
});
