/**
 * Parity with the published BEELINE rankings (Pratapa et al. 2020) on the 8
 * data sets in shared/data/beeline: our GENIE3, GRNBoost2 and PIDC against
 * the peers' rankedEdges (peers/<ALG>.csv) and their scores
 * (peer_scores.json): undirected AUROC, self-loops dropped, and the Spearman
 * correlation of our edge scores with the peer's (ordered pairs for the
 * directed tree methods, unordered pairs for PIDC). CLR has no published
 * ranking here: its AUROC is printed and must beat random on average.
 *
 * PIDC is deterministic and is held per set (AUROC within 0.03; it matches
 * the published ranking exactly). The tree methods are random and the
 * networks small (6 to 19 genes, 15 to 171 pairs; on dyn-CY one swapped pair
 * moves AUROC by 0.03), and each published ranking is itself one random
 * draw: per set, 0.03 does not hold for every seed. With the default 300
 * trees, GENIE3's AUROC on dyn-TF ranges 0.805-0.851 over seeds 1-8
 * (published 0.815; seed 1 gives 0.851, +0.036), and GRNBoost2's on dyn-LI
 * and HSC moves by about 0.04 between seeds. So GENIE3 and GRNBoost2 are held
 * to the mean |AUROC difference| over the 8 sets (<= 0.03) plus a per-set
 * bound of 0.05, and to a per-set Spearman with the peer's scores. Every
 * figure is printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stats } from '../../src/index.js';
import { requireShared, sharedPath } from '../helpers/shared-data.js';
import { BEELINE_SETS, readBeelineSet, readPeerScores, readPublished, type BeelineSet } from '../helpers/beeline.js';

const dir = sharedPath('data', 'beeline');
const have = requireShared('BEELINE benchmark (data/beeline)', dir);

interface Row {
  set: string;
  method: string;
  auroc: number;
  published?: number;
  spearman?: number;
  seconds: number;
}

/** On every set: the AUROC within `within` of the published figure, and the Spearman correlation with the peer's scores at least `minSpearman`. */
function expectEachSet(rs: Row[], within: number, minSpearman: number): void {
  for (const r of rs) {
    expect([r.set, Math.abs(r.auroc - r.published!) <= within]).toEqual([r.set, true]);
    expect([r.set, r.spearman! >= minSpearman]).toEqual([r.set, true]);
  }
}

describe.skipIf(!have)('BEELINE parity', () => {
  const sets: BeelineSet[] = [];
  const rows: Row[] = [];
  let published: ReturnType<typeof readPublished>;

  function run(set: BeelineSet, method: string, peer: string | undefined, directed: boolean, f: () => Float64Array): void {
    const t0 = performance.now();
    const scores = f();
    const seconds = (performance.now() - t0) / 1000;
    const p = set.genes.length;
    expect(scores.every(Number.isFinite)).toBe(true);
    const row: Row = { set: set.name, method, auroc: stats.edgeMetrics(scores, set.truth, p).auroc, seconds };
    if (peer) {
      const peerScores = readPeerScores(dir!, set, peer)!.map((v) => (Number.isNaN(v) ? 0 : v));
      const ours = stats.edgeList(scores, set.truth, p, directed).scores;
      const theirs = stats.edgeList(peerScores, set.truth, p, directed).scores;
      row.spearman = stats.spearman(ours, theirs);
      row.published = published[set.name]!.peers[peer]!.auroc;
    }
    rows.push(row);
  }

  beforeAll(() => {
    published = readPublished(dir!);
    for (const name of BEELINE_SETS) {
      const set = readBeelineSet(dir!, name);
      sets.push(set);
      run(set, 'GENIE3', 'GENIE3', true, () => stats.genie3(set.data, { seed: 1 }));
      run(set, 'GRNBoost2', 'GRNBOOST2', true, () => stats.grnboost2(set.data, { seed: 1 }));
      run(set, 'PIDC', 'PIDC', false, () => stats.pidc(set.data).scores);
      run(set, 'CLR', undefined, false, () => stats.clr(set.data));
    }
  }, 900_000);

  afterAll(() => {
    if (rows.length === 0) return;
    const lines = ['set             method     AUROC  published  diff    Spearman  seconds'];
    for (const m of ['GENIE3', 'GRNBoost2', 'PIDC']) lines.push(`${m}: mean |AUROC - published| over ${of(m).length} sets = ${meanAbsDiff(of(m)).toFixed(4)}`);
    for (const r of rows) {
      const diff = r.published === undefined ? '' : (r.auroc - r.published).toFixed(3);
      lines.push(`${r.set.padEnd(15)} ${r.method.padEnd(10)} ${r.auroc.toFixed(3)}  ${r.published?.toFixed(3) ?? '  -  '}      ${diff.padStart(6)}  ${r.spearman?.toFixed(3) ?? '  -  '}     ${r.seconds.toFixed(1)}`);
    }
    console.log(lines.join('\n'));
  });

  const of = (method: string): Row[] => rows.filter((r) => r.method === method);
  const meanAbsDiff = (rs: Row[]): number => rs.reduce((a, r) => a + Math.abs(r.auroc - r.published!), 0) / rs.length;

  it('edge metrics reproduce peer_scores.json from every peer ranking (PPCOR by |score|)', () => {
    for (const set of sets) {
      const p = set.genes.length;
      for (const [peer, pub] of Object.entries(published[set.name]!.peers)) {
        const s = readPeerScores(dir!, set, peer)!.map((v) => (Number.isNaN(v) ? 0 : Math.abs(v)));
        const u = stats.edgeMetrics(s, set.truth, p);
        const d = stats.edgeMetrics(s, set.truth, p, { directed: true });
        expect([set.name, peer, u.auroc, u.aupr, u.auprRatio]).toEqual([set.name, peer, expect.closeTo(pub.auroc, 3), expect.closeTo(pub.aupr, 3), expect.closeTo(pub.aupr_ratio, 2)]);
        expect([set.name, peer, d.auroc, d.aupr]).toEqual([set.name, peer, expect.closeTo(pub.auroc_directed, 3), expect.closeTo(pub.aupr_directed, 3)]);
      }
    }
  });

  it('PIDC: AUROC within 0.03 of the published figure on every set, Spearman >= 0.99', () => {
    expectEachSet(of('PIDC'), 0.03, 0.99);
  });

  it('GENIE3: mean |AUROC difference| <= 0.03 and each set within 0.05, Spearman >= 0.95', () => {
    const rs = of('GENIE3');
    expect(meanAbsDiff(rs)).toBeLessThanOrEqual(0.03);
    expectEachSet(rs, 0.05, 0.95);
  });

  it('GRNBoost2: mean |AUROC difference| <= 0.03 and each set within 0.05, Spearman >= 0.85', () => {
    const rs = of('GRNBoost2');
    expect(meanAbsDiff(rs)).toBeLessThanOrEqual(0.03);
    expectEachSet(rs, 0.05, 0.85);
  });

  it('CLR beats random on average (mean AUROC > 0.6)', () => {
    const rs = of('CLR');
    expect(rs.reduce((a, r) => a + r.auroc, 0) / rs.length).toBeGreaterThan(0.6);
  });
});
