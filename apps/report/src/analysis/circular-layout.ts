/**
 * A circular layout for the node-link view: nodes evenly spaced on the unit
 * circle in the given order (the clustered order, so neighbours in the
 * heatmap are neighbours on the circle), starting at twelve o'clock and going
 * clockwise. No simulation, so the same nodes always land in the same place.
 */

export interface NodePosition {
  id: string;
  x: number;
  y: number;
  /** Angle in degrees, clockwise from twelve o'clock. */
  angle: number;
}

export function circularLayout(ids: readonly string[]): NodePosition[] {
  const n = ids.length;
  return ids.map((id, i) => {
    const theta = n === 0 ? 0 : (2 * Math.PI * i) / n;
    // round away floating noise so the SVG text is stable across platforms
    const round = (v: number): number => Math.round(v * 1e6) / 1e6 + 0;
    return { id, x: round(Math.sin(theta)), y: round(Math.cos(theta)), angle: round((theta * 180) / Math.PI) };
  });
}
