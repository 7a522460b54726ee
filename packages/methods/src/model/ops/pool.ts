/** Max, average and global average pooling over NCHW. */
import type { Pool2dOptions } from '@relevance/core-wasm';
import { attrBool, attrInts, ModelError, type Attrs, type OpDef } from '../op.js';

export function poolOptions(attrs: Attrs): Pool2dOptions {
  const k = attrInts(attrs, 'kernel', [2, 2]);
  const s = attrInts(attrs, 'stride', k);
  const p = attrInts(attrs, 'padding', [0, 0, 0, 0]);
  const d = attrInts(attrs, 'dilation', [1, 1]);
  return {
    kernel: [k[0]!, k[1] ?? k[0]!],
    stride: [s[0]!, s[1] ?? s[0]!],
    padding: p.length === 4 ? [p[0]!, p[1]!, p[2]!, p[3]!] : [p[0]!, p[1] ?? p[0]!],
    dilation: [d[0]!, d[1] ?? d[0]!],
    ceilMode: attrBool(attrs, 'ceilMode', false),
    countIncludePad: attrBool(attrs, 'countIncludePad', true),
  };
}

function poolShape(x: readonly number[], attrs: Attrs, node: string, type: string): number[][] {
  if (x.length !== 4) throw new ModelError(`${type} '${node}': input must be [N, C, H, W], got [${x.join(', ')}]`);
  const o = poolOptions(attrs);
  const [kh, kw] = o.kernel as [number, number];
  const [sh, sw] = o.stride as [number, number];
  const p = o.padding as readonly number[];
  const [pt, pl, pb, pr] = p.length === 4 ? p : [p[0]!, p[1]!, p[0]!, p[1]!];
  const [dh, dw] = o.dilation as [number, number];
  const size = (len: number, k: number, s: number, d: number, p0: number, p1: number): number => {
    const span = len + p0 + p1 - d * (k - 1) - 1;
    let out = (o.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (o.ceilMode && (out - 1) * s >= len + p0) out--;
    return out;
  };
  return [[x[0]!, x[1]!, size(x[2]!, kh, sh, dh, pt!, pb!), size(x[3]!, kw, sw, dw, pl!, pr!)]];
}

export const MaxPool2d: OpDef = {
  type: 'MaxPool2d',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  inferShape: ([x], attrs, _p, node) => poolShape(x!, attrs, node, 'MaxPool2d'),
  forward({ be, attrs }, [x]) {
    const { output, indices } = be.maxPool2d(x!, poolOptions(attrs));
    return { outputs: [output], saved: [indices] };
  },
  backward({ be, attrs }, [x], _o, [indices], [dy]) {
    return { inputs: [be.maxPool2dBackward(dy!, indices!, x!.shape, poolOptions(attrs))] };
  },
};

export const AvgPool2d: OpDef = {
  type: 'AvgPool2d',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  linear: true,
  inferShape: ([x], attrs, _p, node) => poolShape(x!, attrs, node, 'AvgPool2d'),
  forward({ be, attrs }, [x]) {
    return { outputs: [be.avgPool2d(x!, poolOptions(attrs))] };
  },
  backward({ be, attrs }, [x], _o, _s, [dy]) {
    return { inputs: [be.avgPool2dBackward(dy!, x!.shape, poolOptions(attrs))] };
  },
};

/** Mean over H and W, keeping them as size 1: [N, C, H, W] -> [N, C, 1, 1]. */
export const GlobalAveragePool: OpDef = {
  type: 'GlobalAveragePool',
  arity: { min: 1, max: 1 },
  paramRoles: { required: [], optional: [] },
  linear: true,
  inferShape([x], _a, _p, node) {
    if (x!.length !== 4) throw new ModelError(`GlobalAveragePool '${node}': input must be [N, C, H, W], got [${x!.join(', ')}]`);
    return [[x![0]!, x![1]!, 1, 1]];
  },
  forward({ be }, [x]) {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    const flat = be.reshape(x!, [n * c, h * w]);
    const m = be.mean(flat, 1);
    flat.dispose();
    const out = be.reshape(m, [n, c, 1, 1]);
    m.dispose();
    return { outputs: [out] };
  },
  backward({ be }, [x], _o, _s, [dy]) {
    const [n, c, h, w] = x!.shape as [number, number, number, number];
    return {
      inputs: [be.scope(() => {
        const g = be.scale(be.reshape(dy!, [n * c, 1]), 1 / (h * w));
        return be.reshape(be.expand(g, [n * c, h * w]), [n, c, h, w]);
      })],
    };
  },
};
