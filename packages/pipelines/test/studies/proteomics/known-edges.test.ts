/** Known edges: chosen columns, a name-mapping table, and the warning when fewer than half of the pairs match. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEdgeList } from '../../../src/studies/proteomics/edge-files.js';
import { closestProtein } from '../../../src/studies/proteomics/known-edge-match.js';
import { requireShared, sharedPath } from '../../io/helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'relevance-known-'));
const proteins = ['14-3-3_beta', '14-3-3_epsilon', 'Akt', 'Akt_pS473', 'EGFR'];
const edges = join(dir, 'edges.csv');
writeFileSync(edges, [
  'source,target,source_data,target_data',
  '1433BETA,1433EPSILON,14-3-3_beta,14-3-3_epsilon',
  'AKT,AKT_PS473,Akt,Akt_pS473',
  'AKT,EGFR,Akt,EGFR',
  'Akt,EGFR,Akt,EGFR',
  '',
].join('\n'));
const map = join(dir, 'map.csv');
writeFileSync(map, 'list_name,data_name\n1433BETA,14-3-3_beta\n1433EPSILON,14-3-3_epsilon\nAKT,Akt\nAKT_PS473,Akt_pS473\n');

describe('known edges', () => {
  it('warns when fewer than half of the pairs are in the data, naming unmatched names, closest matches and better columns', async () => {
    const list = await readEdgeList(edges, proteins, 'known');
    expect(list.match.pairsInFile).toBe(4);
    expect(list.match.pairsInData).toBe(1);
    expect(list.match.unmatched).toContainEqual({ name: '1433BETA', closest: '14-3-3_beta' });
    expect(list.match.unmatched).toContainEqual({ name: 'AKT_PS473', closest: 'Akt_pS473' });
    expect(list.match.warning).toMatch(/only 1 of 4 known pairs are in the data/);
    expect(list.match.warning).toMatch(/1433BETA \(closest: 14-3-3_beta\)/);
    expect(list.match.warning).toMatch(/--known-edges-columns source_data,target_data/);
  });

  it('reads the chosen columns and then matches every pair, without a warning', async () => {
    const list = await readEdgeList(edges, proteins, 'known', [], { columns: ['source_data', 'target_data'] });
    expect(list.match.pairsInFile).toBe(3);
    expect(list.undirected.size).toBe(3);
    expect(list.match.warning).toBeNull();
  });

  it('maps names through a table', async () => {
    const list = await readEdgeList(edges, proteins, 'known', [], { map });
    expect(list.undirected.size).toBe(3);
    expect(list.match.mapped).toBeGreaterThan(0);
    expect(list.match.warning).toBeNull();
  });

  it('names a missing column and the columns the file has', async () => {
    await expect(readEdgeList(edges, proteins, 'known', [], { columns: ['from', 'to'] })).rejects.toThrow(/'from'.*columns: source, target, source_data, target_data/);
  });

  it('finds the closest data name by a punctuation-free key, then by edit distance', () => {
    expect(closestProtein('1433EPSILON', proteins)).toBe('14-3-3_epsilon');
    expect(closestProtein('EGFRR', proteins)).toBe('EGFR');
    expect(closestProtein('completely-different', proteins)).toBeNull();
  });
});

describe('known edges on the real Reactome list and TCGA names', () => {
  const reactome = sharedPath('data', 'keyl2022_proteinnetworklrp', 'reactome_147_edges.csv');
  const nameMap = sharedPath('data', 'keyl2022_proteinnetworklrp', 'antibody_name_map_keyl_to_firehose.csv');
  const tcga = sharedPath('data', 'tcga_rppa_firehose_pancan', 'proteins.csv');
  if (!requireShared('the Keyl Reactome list and the TCGA antibody list', reactome && nameMap && tcga)) return;
  it('warns on the TCPA names and matches most pairs with the Firehose columns or the name map', async () => {
    const { readTable } = await import('../../../src/io/read-table.js');
    const t = await readTable(tcga!);
    const firehose = (t.columns.find((c) => c.type === 'string')!.values as string[]).filter(Boolean);
    const raw = await readEdgeList(reactome!, firehose, 'known');
    expect(raw.match.warning).toMatch(/known pairs are in the data/);
    expect(raw.match.warning).toMatch(/--known-edges-columns source_firehose,target_firehose/);
    const byColumns = await readEdgeList(reactome!, firehose, 'known', [], { columns: ['source_firehose', 'target_firehose'] });
    const byMap = await readEdgeList(reactome!, firehose, 'known', [], { map: nameMap! });
    console.log(`Reactome pairs in the TCGA data: ${raw.match.pairsInData} of ${raw.match.pairsInFile} as written, ${byColumns.match.pairsInData} with the Firehose columns, ${byMap.match.pairsInData} through the name map`);
    expect(byColumns.match.pairsInData * 2).toBeGreaterThan(byColumns.match.pairsInFile);
    expect(byMap.match.pairsInData).toBe(byColumns.match.pairsInData);
    expect(byMap.match.warning).toBeNull();
  });
});
