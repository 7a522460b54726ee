/**
 * Work split across worker threads: GEMM (rows, columns, batches) and the
 * three convolution kernels (items, columns, channels, weight columns, groups)
 * give bit-identical results on one thread and on several (the split never
 * changes a sum's order), and agree with the reference, in both instruction-set
 * builds (plain SIMD128 and relaxed SIMD); so does GEMM with its fused bias / ReLU /
 * mask epilogue. Also: the worker pool
 * starts and stops cleanly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend, createBackend, Generator, type Conv2dOptions, type Tensor } from '../../src/index.js';
import { createWasmImpl, type WasmImpl } from '../../src/backends/wasm/index.js';
import { compileCoreModule, coreFunctionNames, createSharedMemory, instantiateCore } from '../../src/backends/wasm/module.js';
import { ThreadPool, type Task } from '../../src/backends/wasm/thread-pool.js';
import { chunkSize, entryChunk, partsFor, PARALLEL_MIN_FLOPS } from '../../src/backends/wasm/partition.js';
import { values } from '../parity/cases.js';
import { enableRelaxedSimd } from '../helpers/relaxed-simd.js';

const relaxed = enableRelaxedSimd();

/** One thread and three threads of one instruction-set build. */
async function pair(simd: 'simd128' | 'relaxed'): Promise<{ single: Backend; multi: Backend; multiImpl: WasmImpl }> {
  const singleImpl = await createWasmImpl({ threads: 1, simd });
  const multiImpl = await createWasmImpl({ threads: 3, simd });
  return { single: new Backend(singleImpl, 1), multi: new Backend(multiImpl, multiImpl.threads), multiImpl };
}

const builds = { simd128: await pair('simd128'), relaxed: relaxed.available ? await pair('relaxed') : null };
let { single, multi, multiImpl } = builds.simd128;
const reference = await createBackend('reference');

afterAll(() => {
  for (const b of [builds.simd128, builds.relaxed]) {
    b?.single.destroy();
    b?.multi.destroy();
  }
});

type Build = (be: Backend) => Tensor;

/** Run `build` on the single-thread backend, the 3-thread one and the reference; check equality and count parallel runs. */
function compare(build: Build, expectParallel = true): void {
  const runsBefore = multiImpl.parallelRuns;
  const one = single.scope(() => build(single).readSync());
  const many = multi.scope(() => build(multi).readSync());
  const ref = reference.scope(() => build(reference).readSync());
  if (expectParallel) expect(multiImpl.parallelRuns, 'the kernel should have been split across threads').toBeGreaterThan(runsBefore);
  expect(many.length).toBe(one.length);
  for (let i = 0; i < one.length; i++) {
    if (!Object.is(one[i], many[i])) throw new Error(`element ${i}: one thread ${one[i]}, three threads ${many[i]}`);
  }
  let scale = 0;
  for (const r of ref) scale = Math.max(scale, Math.abs(r));
  for (let i = 0; i < ref.length; i++) {
    if (Math.abs(one[i]! - ref[i]!) > 1e-4 * scale + 1e-6) throw new Error(`element ${i}: wasm ${one[i]}, reference ${ref[i]}`);
  }
}

function rand(be: Backend, shape: number[], seed: number): Tensor {
  return be.tensor(values(shape.reduce((p, d) => p * d, 1), seed), shape);
}

describe('work split', () => {
  it('chunks: about four per thread, aligned, never below the minimum', () => {
    expect(chunkSize(512, 2, 4, 32)).toBe(64);
    expect(chunkSize(130, 2, 4)).toBe(20);
    expect(chunkSize(100, 2, 8, 64)).toBe(64);
    expect(chunkSize(3, 4)).toBe(1);
    expect(chunkSize(8192, 2, 4, 32)).toBe(1024);
  });

  it('entry chunks: one large entry at a time, small entries grouped to about half the minimum, never above chunkSize', () => {
    expect(entryChunk(200, 200 * 80e6, 2)).toBe(1);
    expect(entryChunk(14600, 14600 * 1500, 2, 2_000_000)).toBe(667);
    expect(entryChunk(100, 100 * 10, 2, 2_000_000)).toBe(chunkSize(100, 2));
    expect(entryChunk(5, 0, 2)).toBe(1);
  });

  it('keeps small work on one thread', () => {
    expect(partsFor(PARALLEL_MIN_FLOPS - 1, 8, 100)).toBe(1);
    expect(partsFor(PARALLEL_MIN_FLOPS * 100, 8, 100)).toBe(8);
    expect(partsFor(PARALLEL_MIN_FLOPS * 100, 8, 3)).toBe(3);
    expect(partsFor(PARALLEL_MIN_FLOPS * 100, 1, 100)).toBe(1);
  });
});

for (const simd of ['simd128', 'relaxed'] as const) {
  describe.skipIf(!builds[simd])(`${simd} build${builds[simd] ? '' : ` (skipped: ${relaxed.reason})`}`, () => {
    beforeAll(() => {
      ({ single, multi, multiImpl } = builds[simd]!);
    });

    describe('GEMM split across threads', () => {
      const flags = [[false, false], [true, false], [false, true], [true, true]] as const;
      for (const [transA, transB] of flags) {
        it(`rows (m >= n), transA=${transA} transB=${transB}`, () => {
          compare((be) => be.gemm(rand(be, transA ? [170, 203] : [203, 170], 1), rand(be, transB ? [150, 170] : [170, 150], 2), { transA, transB, alpha: 0.75 }));
        });
        it(`columns (n > m), transA=${transA} transB=${transB}`, () => {
          compare((be) => be.gemm(rand(be, transA ? [200, 61] : [61, 200], 3), rand(be, transB ? [301, 200] : [200, 301], 4), { transA, transB }));
        });
      }
      it('batches (batch >= threads), shared B', () => {
        compare((be) => be.gemm(rand(be, [5, 70, 90], 5), rand(be, [90, 80], 6)));
      });
      it('a batch smaller than the thread count splits rows of every entry', () => {
        compare((be) => be.gemm(rand(be, [2, 130, 100], 7), rand(be, [2, 100, 90], 8)));
      });
      it('alpha and beta with c', () => {
        compare((be) => be.gemm(rand(be, [150, 140], 9), rand(be, [140, 130], 10), { alpha: -0.5, beta: 0.25, c: rand(be, [150, 130], 11) }));
      });
    });

    describe('GEMM edge panels', () => {
      // m = 5..11 ends in a panel of 1 to 3 rows, which has its own micro-kernel: its rows must have the
      // bits of the same rows computed inside full panels (k = 600: several depth blocks, so beta = 1 blocks too)
      it('rows of an edge panel equal the same rows inside a product with full panels, bit for bit', () => {
        const k = 600, n = 37;
        const a = values(12 * k, 96), b = values(k * n, 97);
        for (const be of [single, multi]) {
          const full = be.scope(() => be.gemm(be.tensor(a, [12, k]), be.tensor(b, [k, n])).readSync());
          for (const m of [5, 6, 7, 9, 10, 11]) {
            const part = be.scope(() => be.gemm(be.tensor(a.subarray(0, m * k), [m, k]), be.tensor(b, [k, n]), { bias: be.tensor(new Float32Array(n)) }).readSync());
            const plain = be.scope(() => be.gemm(be.tensor(a.subarray(0, m * k), [m, k]), be.tensor(b, [k, n])).readSync());
            for (let i = 0; i < m * n; i++) {
              if (!Object.is(plain[i], full[i])) throw new Error(`m=${m} element ${i}: ${plain[i]} vs ${full[i]} in the 12-row product`);
              if (!Object.is(part[i], full[i] + 0)) throw new Error(`m=${m} element ${i} with a zero bias: ${part[i]} vs ${full[i]}`);
            }
          }
        }
      });
    });

    describe('GEMM with the fused epilogue split across threads', () => {
      // k = 300 > one depth block: the epilogue must run on the last block only
      it('bias + ReLU, rows split (prepacked B), transB', () => {
        compare((be) => be.gemm(rand(be, [203, 300], 30), rand(be, [150, 300], 31), { transB: true, bias: rand(be, [150], 32), relu: true }));
      });
      it('bias + ReLU, columns split (prepacked A), transA', () => {
        compare((be) => be.gemm(rand(be, [300, 61], 33), rand(be, [300, 301], 34), { transA: true, bias: rand(be, [301], 35), relu: true }));
      });
      it('the ReLU mask, rows and columns', () => {
        for (const [m, n] of [[203, 150], [61, 301]] as const) {
          compare((be) => be.gemmReluMask(rand(be, [m, 270], 36), rand(be, [n, 270], 37), { transB: true, bias: rand(be, [n], 38) }).mask);
        }
      });
    });

    describe('gathered GEMM against gemm on the gathered matrix', () => {
      // m > 4 gathers straight into packed panels: several depth blocks (k > 256), row blocks (m > 128),
      // column blocks (n > 2048) and partial panels must give gemm's sums bit for bit
      it('bit-identical to gemm(A, B) with B = diag(rowScale) W[rows, cols] diag(colScale) built on the host', () => {
        const g = new Generator(91);
        const shapes = [[5, 300, 37], [73, 735, 735], [130, 40, 13], [9, 520, 2061], [4, 300, 20], [6, 0, 9]] as const;
        const [wr, wc] = [760, 2100];
        const w = values(wr * wc, 92);
        for (const be of [single, multi]) {
          const wt = be.tensor(w, [wr, wc]);
          for (const [m, k, n] of shapes) {
            const rows = Int32Array.from({ length: k }, () => g.int(wr));
            const cols = Int32Array.from({ length: n }, () => g.int(wc));
            const rs = values(k, 93), cs = values(n, 94);
            const a = values(m * k, 95);
            const b = new Float32Array(k * n);
            for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) b[q * n + j] = Math.fround(Math.fround(rs[q]! * w[rows[q]! * wc + cols[j]!]!) * cs[j]!);
            const got = be.scope(() => be.gatheredGemm(be.tensor(a), wt, be.tensor(rows.length ? rows : Int32Array.of(0)), be.tensor(rs.length ? rs : Float32Array.of(0)), be.tensor(cols), be.tensor(cs), [{ m, k, n, aOffset: 0, rowsOffset: 0, colsOffset: 0 }]).out.readSync());
            const want = be.scope(() => (k === 0 ? be.zeros([m, n]) : be.gemm(be.tensor(a, [m, k]), be.tensor(b, [k, n]))).readSync());
            for (let i = 0; i < want.length; i++) {
              if (!Object.is(got[i], want[i])) throw new Error(`[${m}, ${k}, ${n}] element ${i}: gathered ${got[i]}, gemm ${want[i]}`);
            }
          }
          wt.dispose();
        }
      });
    });

    describe('gathered GEMM split across threads', () => {
      it('entries claimed in chunks give the one-thread result', () => {
        const shapes = Array.from({ length: 300 }, (_, i) => [1 + (i % 19), 30 + (i % 41), 20 + (i % 53)] as const);
        compare((be) => {
          const g = new Generator(77);
          const rows: number[] = [], cols: number[] = [];
          let aSize = 0;
          const entries = shapes.map(([m, k, n]) => {
            const e = { m, k, n, aOffset: aSize, rowsOffset: rows.length, colsOffset: cols.length };
            for (let q = 0; q < k; q++) rows.push(g.int(120));
            for (let j = 0; j < n; j++) cols.push(g.int(90));
            aSize += m * k;
            return e;
          });
          const r = be.gatheredGemm(
            rand(be, [aSize], 60), rand(be, [120, 90], 61), be.tensor(Int32Array.from(rows)), rand(be, [rows.length], 62),
            be.tensor(Int32Array.from(cols)), null, entries,
          );
          return r.out;
        });
      });
    });

    describe('conv2d split across threads', () => {
      interface ConvCase { label: string; x: number[]; w: number[]; options: Conv2dOptions; bias?: boolean }
      const cases: ConvCase[] = [
        { label: 'items (batch >= threads), 3x3 pad 1, bias', x: [4, 16, 24, 24], w: [32, 16, 3, 3], options: { padding: 1 }, bias: true },
        { label: 'one image (columns / channels split), stride 2, asymmetric padding', x: [1, 32, 61, 47], w: [48, 32, 3, 3], options: { stride: 2, padding: [1, 0, 2, 1] } },
        { label: 'groups and dilation', x: [2, 24, 33, 29], w: [36, 12, 3, 3], options: { groups: 2, dilation: 2, padding: 2 }, bias: true },
        { label: '1x1 (no im2col)', x: [3, 64, 25, 23], w: [80, 64, 1, 1], options: {} },
        { label: 'wide input (input gradient as a transposed convolution), columns split', x: [2, 48, 20, 20], w: [8, 48, 3, 3], options: { padding: 1 } },
        { label: 'depthwise 5x5', x: [1, 96, 41, 39], w: [96, 1, 5, 5], options: { groups: 96, padding: 2 } },
      ];
      for (const c of cases) {
        const dyShape = (be: Backend): number[] => {
          const p = be.conv2dParams(c.x, c.w, c.options);
          return [p.n, p.cOut, p.outH, p.outW];
        };
        it(`forward: ${c.label}`, () => {
          compare((be) => be.conv2d(rand(be, c.x, 20), rand(be, c.w, 21), c.bias ? rand(be, [c.w[0]!], 22) : null, c.options));
        });
        it(`input gradient: ${c.label}`, () => {
          compare((be) => be.conv2dBackwardInput(rand(be, dyShape(be), 23), rand(be, c.w, 24), c.x, c.options));
        });
        it(`weight gradient: ${c.label}`, () => {
          compare((be) => be.conv2dBackwardWeight(rand(be, c.x, 25), rand(be, dyShape(be), 26), c.w, c.options));
        });
      }
    });
  });
}

describe('worker pool lifecycle', () => {
  it('reports its thread count and defaults to the available cores', async () => {
    expect(multiImpl.threads).toBe(3);
    expect(single.threads).toBe(1);
    const dflt = await createBackend('wasm');
    const os = await import('node:os');
    expect(dflt.threads).toBe(os.availableParallelism());
    dflt.destroy();
  });

  it('destroy() stops every worker', async () => {
    const impl = await createWasmImpl({ threads: 2 });
    const be = new Backend(impl, impl.threads);
    compare(() => be.tensor([1]), false);
    be.destroy();
    await expect(impl.whenDestroyed()).resolves.toBeUndefined();
    expect(() => be.tensor([1])).toThrow(/after destroy/);
  });

  it('reports a kernel that traps on a worker, and stays usable', async () => {
    const module = await compileCoreModule();
    const memory = createSharedMemory(16);
    const names = coreFunctionNames(module);
    const pool = await ThreadPool.create(1, module, memory, names);
    const core = await instantiateCore(module, memory);
    const fill = names.indexOf('fill32');
    const local = (task: Task): void => void (core as unknown as Record<string, (...a: number[]) => void>)[names[task.fn]!]!(...task.args);
    // an address past the end of the memory traps inside the worker
    expect(() => pool.run([{ fn: fill, args: [1024, 4, 1] }, { fn: fill, args: [memory.buffer.byteLength + 4096, 4, 1] }], local)).toThrow(/worker 0: .*out of bounds/);
    pool.run([{ fn: fill, args: [1024, 4, 7] }, { fn: fill, args: [2048, 4, 9] }], local);
    expect(Array.from(new Int32Array(memory.buffer, 2048, 4))).toEqual([9, 9, 9, 9]);
    await pool.destroy();
  });

  it('rejects an invalid thread count', async () => {
    await expect(createWasmImpl({ threads: 0 })).rejects.toThrow(/positive integer/);
  });

  const dist = fileURLToPath(new URL('../../dist/src/index.js', import.meta.url));
  it.skipIf(!existsSync(dist))('a Node process exits after destroy(), and even without it (workers are unref\'d)', () => {
    for (const destroy of [true, false]) {
      const script = `
        import { createBackend } from ${JSON.stringify(dist)};
        const be = await createBackend('wasm', { threads: 2 });
        const a = be.ones([256, 256]);
        const c = be.gemm(a, a);
        console.log(c.readSync()[0]);
        ${destroy ? 'be.destroy();' : ''}
      `;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('256');
    }
  });
});

describe('instruction-set builds', () => {
  it("'auto' picks relaxed SIMD where the runtime has it; RELEVANCE_WASM_SIMD overrides; a bad value is named", async () => {
    const auto = await createWasmImpl({ threads: 1 });
    expect(auto.build).toBe(relaxed.available ? 'wasm-relaxed' : 'wasm-simd128');
    expect(builds.simd128.multiImpl.build).toBe('wasm-simd128');
    if (builds.relaxed) expect(builds.relaxed.multiImpl.build).toBe('wasm-relaxed');
    const be = new Backend(auto, 1);
    expect(be.build).toBe(auto.build);
    be.destroy();
    process.env['RELEVANCE_WASM_SIMD'] = 'simd128';
    try {
      const forced = await createWasmImpl({ threads: 1 });
      expect(forced.build).toBe('wasm-simd128');
      forced.destroy();
      process.env['RELEVANCE_WASM_SIMD'] = 'avx';
      await expect(createWasmImpl({ threads: 1 })).rejects.toThrow(/RELEVANCE_WASM_SIMD/);
    } finally {
      delete process.env['RELEVANCE_WASM_SIMD'];
    }
  });
});
