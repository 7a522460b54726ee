/**
 * Numbers as text for CSV and JSON. float64 uses JavaScript's shortest
 * round-trip form; float32 values (model inputs and outputs) use the shortest
 * decimal that reads back to the same float32, so 0.1f prints as 0.1 and not
 * 0.10000000149011612, and Math.fround(parse(text)) is exact.
 */

export function formatFloat64(v: number): string {
  return String(v);
}

export function formatFloat32(v: number): string {
  if (!Number.isFinite(v) || v === 0) return String(v);
  const f = Math.fround(v);
  // shortest precision p in 1..9 with fround(parse(toPrecision(p))) === f; more digits never hurt, so bisect
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(f.toPrecision(mid))) === f) hi = mid;
    else lo = mid + 1;
  }
  // Number(...) then String(...) drops trailing zeros and picks plain or exponent notation like JSON does
  return String(Number(f.toPrecision(lo)));
}

export function formatNumber(v: number, float32 = false): string {
  return float32 ? formatFloat32(v) : formatFloat64(v);
}
