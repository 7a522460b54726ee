/**
 * WGSL pieces for window kernels over NCHW planes (pooling, resizing and the
 * direct convolution gradient): an element index split into coordinates, and
 * the loops over a window's cells and over the windows that contain a cell.
 */

/** WGSL: output element t split into plane (n * c + channel), oy, ox. */
export const OUTPUT_COORDS = `
  let t = i32(i);
  let ox = t % params.outW;
  let oy = (t / params.outW) % params.outH;
  let plane = t / (params.outW * params.outH);`;

/** WGSL: input element t split into plane, iy, ix. */
export const INPUT_COORDS = `
  let t = i32(i);
  let ix = t % params.w;
  let iy = (t / params.w) % params.h;
  let plane = t / (params.w * params.h);`;

/** WGSL: loop over the cells (iy, ix) of output window (oy, ox) that lie inside the input; `body` runs for each. */
export function forEachWindowCell(body: string): string {
  return `
  for (var kh = 0; kh < params.kH; kh++) {
    let iy = oy * params.strideH - params.padTop + kh * params.dilationH;
    if (iy < 0 || iy >= params.h) { continue; }
    for (var kw = 0; kw < params.kW; kw++) {
      let ix = ox * params.strideW - params.padLeft + kw * params.dilationW;
      if (ix < 0 || ix >= params.w) { continue; }
${body}
    }
  }`;
}

/**
 * WGSL: loop over the output windows (oy, ox) containing input (iy, ix), with
 * `j` the flat output index in output plane `plane`; `body` runs for each.
 */
export function forEachWindowContaining(body: string): string {
  return `
  for (var kh = 0; kh < params.kH; kh++) {
    let sy = iy + params.padTop - kh * params.dilationH;
    if (sy < 0 || sy % params.strideH != 0) { continue; }
    let oy = sy / params.strideH;
    if (oy >= params.outH) { continue; }
    for (var kw = 0; kw < params.kW; kw++) {
      let sx = ix + params.padLeft - kw * params.dilationW;
      if (sx < 0 || sx % params.strideW != 0) { continue; }
      let ox = sx / params.strideW;
      if (ox >= params.outW) { continue; }
      let j = (plane * params.outH + oy) * params.outW + ox;
${body}
    }
  }`;
}
