/** Every long phase of the study reports progress with an estimate: aggregation, baselines, trust panel, writing tables, report. */
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/progress/progress.js';
import { runProteomicsStudy } from '../../../src/studies/proteomics/study.js';
import { smallOptions, tempDir } from './helpers.js';

describe('study progress', () => {
  it('gives the baselines, the trust panel and the writing phases their own lines, with estimates', async () => {
    const lines: string[] = [];
    let clock = 0;
    // a clock that advances one second per reading: every tick is past the plain-progress interval, so each prints with its ETA
    const progress = createProgress({ stream: { write: (t: string) => lines.push(...t.split('\n').filter(Boolean)) }, tty: false, now: () => (clock += 1000), plainIntervalMs: 500 });
    await runProteomicsStudy(smallOptions(tempDir(), { baselines: ['pearson', 'clr'] }), { progress, log: () => {} });
    for (const phase of ['baselines', 'trust panel (50 resamples)', 'writing tables']) {
      expect(lines, phase).toContainEqual(expect.stringMatching(new RegExp(`^${phase.replace(/[()]/g, '\\$&')}: started`)));
      expect(lines, phase).toContainEqual(expect.stringMatching(new RegExp(`^${phase.replace(/[()]/g, '\\$&')}: \\d+/\\d+ \\(\\d+%\\), ETA `)));
      expect(lines, phase).toContainEqual(expect.stringMatching(new RegExp(`^${phase.replace(/[()]/g, '\\$&')}: done in`)));
    }
    // aggregating the patients' networks (minutes for thousands of patients) has its own line, before the baselines
    const at = (re: RegExp): number => lines.findIndex((l) => re.test(l));
    expect(at(/^aggregating networks: started/)).toBeGreaterThanOrEqual(0);
    expect(at(/^aggregating networks: done in/)).toBeLessThan(at(/^baselines: started/));
    // one phase at a time: each phase is done before the next starts
    const order = lines.filter((l) => /: (started|done in)/.test(l)).map((l) => l.replace(/: (started|done in).*/, ' $1'));
    for (let k = 0; k + 1 < order.length; k += 2) {
      expect(order[k]!.endsWith('started'), order.join(' | ')).toBe(true);
      expect(order[k + 1]).toBe(order[k]!.replace('started', 'done in'));
    }
  }, 120_000);
});
