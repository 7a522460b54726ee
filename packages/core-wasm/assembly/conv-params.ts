/** The convolution parameter block shared by conv.ts, im2col.ts and gemm.ts. */

/** Parameter block written by the JS side (i32 words, in this order). */
@unmanaged
export class ConvParams {
  n: i32;
  cIn: i32;
  h: i32;
  w: i32;
  cOut: i32;
  kH: i32;
  kW: i32;
  strideH: i32;
  strideW: i32;
  padTop: i32;
  padLeft: i32;
  padBottom: i32;
  padRight: i32;
  dilationH: i32;
  dilationW: i32;
  groups: i32;
  outH: i32;
  outW: i32;
}
