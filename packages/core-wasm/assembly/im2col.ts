/**
 * The column matrix of a convolution (im2col) and its transpose (col2im),
 * explicit or packed straight into GEMM panels.
 *
 * For one image group (`img` points at its first input channel) the column
 * matrix has K = C/groups * kH * kW rows, row r = (c, kh, kw), and one column
 * per output pixel j = (oh, ow): col[r][j] = img[c][oh*sH - pT + kh*dH][ow*sW - pL + kw*dW],
 * zero outside the image.
 */
import { ConvParams } from './conv-params';
import { addInto } from './add-into';

/**
 * Column matrix rows [rowStart, rowEnd) x columns [c0, c0 + cols) of one image
 * group (`img` points at its first channel) into `col` (row pitch cols floats).
 * With accumulate, the transpose instead: img[...] += col[...] (col2im).
 */
// @ts-ignore: decorator
@inline function columns(p: ConvParams, img: usize, rowStart: i32, rowEnd: i32, c0: i32, cols: i32, col: usize, accumulate: bool): void {
  const kHW = p.kH * p.kW;
  const planeBytes = <usize>p.h * <usize>p.w * 4;
  const outW = p.outW;
  for (let r = rowStart; r < rowEnd; r++) {
    const c = r / kHW;
    const rem = r - c * kHW;
    const kh = rem / p.kW;
    const kw = rem - kh * p.kW;
    const plane = img + <usize>c * planeBytes;
    const rowDst = col + <usize>(r - rowStart) * <usize>cols * 4;
    let j = c0;
    let oh = j / outW;
    let ow = j - oh * outW;
    const end = c0 + cols;
    while (j < end) {
      const len = min(outW - ow, end - j);
      const d = rowDst + (<usize>(j - c0) << 2);
      const ih = oh * p.strideH - p.padTop + kh * p.dilationH;
      if (ih >= 0 && ih < p.h) {
        const srcRow = plane + <usize>ih * <usize>p.w * 4;
        const iw0 = ow * p.strideW - p.padLeft + kw * p.dilationW;
        if (p.strideW == 1) {
          // valid outputs [lo, hi) of this segment read a contiguous run of the input row
          const lo = min(len, max(0, -iw0));
          const hi = max(lo, min(len, p.w - iw0));
          if (accumulate) {
            addInto(srcRow + (<usize>(iw0 + lo) << 2), d + (<usize>lo << 2), hi - lo);
          } else {
            if (lo > 0) memory.fill(d, 0, <usize>lo << 2);
            if (hi > lo) memory.copy(d + (<usize>lo << 2), srcRow + (<usize>(iw0 + lo) << 2), <usize>(hi - lo) << 2);
            if (len > hi) memory.fill(d + (<usize>hi << 2), 0, <usize>(len - hi) << 2);
          }
        } else {
          for (let t = 0; t < len; t++) {
            const iw = iw0 + t * p.strideW;
            const inside = iw >= 0 && iw < p.w;
            const dp = d + (<usize>t << 2);
            if (accumulate) {
              if (inside) {
                const sp = srcRow + (<usize>iw << 2);
                store<f32>(sp, load<f32>(sp) + load<f32>(dp));
              }
            } else {
              store<f32>(dp, inside ? load<f32>(srcRow + (<usize>iw << 2)) : <f32>0);
            }
          }
        }
      } else if (!accumulate) {
        memory.fill(d, 0, <usize>len << 2);
      }
      j += len;
      ow = 0;
      oh++;
    }
  }
}

export function im2col(p: ConvParams, img: usize, rowStart: i32, rowEnd: i32, c0: i32, cols: i32, col: usize): void {
  columns(p, img, rowStart, rowEnd, c0, cols, col, false);
}

export function col2im(p: ConvParams, img: usize, rowStart: i32, rowEnd: i32, c0: i32, cols: i32, col: usize): void {
  columns(p, img, rowStart, rowEnd, c0, cols, col, true);
}

/**
 * Pack column-matrix rows [k0, k0 + kc) x columns [col0, col0 + nc) straight
 * from the image into `panel`-wide GEMM panels (the layout packB writes:
 * for each row, `panel` consecutive columns; columns past nc are zero), so a
 * convolution needs no explicit column matrix. Where a panel's pixels lie in
 * one output row and, with stride 1, inside the input row, a panel row is two
 * vector copies; edges fall back to per-element bounds checks.
 */
export function packImageColumns(p: ConvParams, img: usize, k0: i32, kc: i32, col0: i32, nc: i32, dst: usize, panel: i32): void {
  const kHW = p.kH * p.kW;
  const planeBytes = <usize>p.h * <usize>p.w * 4;
  const rowBytes = <usize>p.w * 4;
  for (let jr = 0; jr < nc; jr += panel) {
    const cols = min(panel, nc - jr);
    const j = col0 + jr;
    const oh = j / p.outW;
    const ow = j - oh * p.outW;
    const oneRow = cols == panel && ow + panel <= p.outW;
    const h0 = oh * p.strideH - p.padTop;
    const w0 = ow * p.strideW - p.padLeft;
    let c = k0 / kHW;
    const rem = k0 - c * kHW;
    let kh = rem / p.kW;
    let kw = rem - kh * p.kW;
    for (let kk = 0; kk < kc; kk++) {
      const d = dst + (<usize>(kk * panel) << 2);
      const plane = img + <usize>c * planeBytes;
      if (oneRow) {
        const ih = h0 + kh * p.dilationH;
        const iw0 = w0 + kw * p.dilationW;
        if (ih < 0 || ih >= p.h) {
          for (let t = 0; t < panel; t += 4) v128.store(d + (<usize>t << 2), i32x4.splat(0));
        } else if (p.strideW == 1 && iw0 >= 0 && iw0 + panel <= p.w) {
          const s = plane + <usize>ih * rowBytes + (<usize>iw0 << 2);
          for (let t = 0; t < panel; t += 4) v128.store(d + (<usize>t << 2), v128.load(s + (<usize>t << 2)));
        } else {
          const row = plane + <usize>ih * rowBytes;
          for (let t = 0; t < panel; t++) {
            const iw = iw0 + t * p.strideW;
            store<f32>(d + (<usize>t << 2), iw >= 0 && iw < p.w ? load<f32>(row + (<usize>iw << 2)) : <f32>0);
          }
        }
      } else {
        // the panel wraps to the next output row (or is the last, partial one)
        let toh = oh;
        let tow = ow;
        for (let t = 0; t < panel; t++) {
          let v: f32 = 0;
          if (t < cols) {
            const ih = toh * p.strideH - p.padTop + kh * p.dilationH;
            const iw = tow * p.strideW - p.padLeft + kw * p.dilationW;
            if (ih >= 0 && ih < p.h && iw >= 0 && iw < p.w) v = load<f32>(plane + <usize>ih * rowBytes + (<usize>iw << 2));
            if (++tow == p.outW) {
              tow = 0;
              toh++;
            }
          }
          store<f32>(d + (<usize>t << 2), v);
        }
      }
      // next row of the column matrix: (c, kh, kw) in row-major order
      if (++kw == p.kW) {
        kw = 0;
        if (++kh == p.kH) {
          kh = 0;
          c++;
        }
      }
    }
    dst += <usize>kc * <usize>panel * 4;
  }
}
