/** The progress reporter: plain lines every 10 % or interval, a redrawn bar on a TTY, nothing when quiet. */
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../src/index.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s), isTTY, columns: 80 } };
}

describe('progress', () => {
  it('plain: a line per 10 % with ETA, and a done line', () => {
    let now = 0;
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ stream, now: () => now });
    p.start('explain', 100);
    for (let i = 0; i < 100; i++) {
      now += 10;
      p.tick(1, 'batch');
    }
    p.done('100 rows');
    expect(writes[0]).toBe('explain: started (100)\n');
    expect(writes.filter((w) => w.includes('%'))).toHaveLength(10);
    expect(writes[1]).toBe('explain: 10/100 (10%), ETA 900ms, batch\n');
    expect(writes.at(-1)).toBe('explain: done in 1.0s (100 rows)\n');
  });

  it('plain: also prints after the interval when progress is slow', () => {
    let now = 0;
    const { writes, stream } = fakeStream(false);
    const p = createProgress({ stream, now: () => now, plainIntervalMs: 5000 });
    p.start('tsne', 1000);
    now = 6000;
    p.tick(1);
    expect(writes.at(-1)).toContain('tsne: 1/1000 (0%), ETA');
  });

  it('tty: redraws one line with a bar and ETA, throttled', () => {
    let now = 0;
    const { writes, stream } = fakeStream(true);
    const p = createProgress({ stream, now: () => now });
    p.start('predict', 4);
    now = 50;
    p.tick(1); // within 100 ms of the last draw: not drawn
    now = 200;
    p.tick(1);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe('\r\x1b[2Kpredict [############------------] 50% 2/4 ETA 200ms');
    now = 210;
    p.tick(2); // the final tick always draws
    expect(writes.at(-1)).toContain('100% 4/4');
    p.done();
    expect(writes.at(-1)).toBe('\r\x1b[2Kpredict: done in 210ms\n');
  });

  it('quiet: silent', () => {
    const { writes, stream } = fakeStream(true);
    const p = createProgress({ stream, quiet: true });
    p.start('x', 10);
    p.tick(10);
    p.done('ok');
    expect(writes).toEqual([]);
  });
});
