/**
 * What a figure function returns: a Plot specification, a table
 * specification, or a message saying why there is nothing to draw. The same
 * value is rendered to static SVG/HTML in Node and to live DOM in the browser.
 */
import type { PlotOptions } from '@observablehq/plot';
import type { TableSpec } from './table-spec.js';

export interface PlotContent {
  kind: 'plot';
  plot: PlotOptions;
  /** A line under the figure (what was left out, how to read it). */
  note?: string;
}

export interface TableContent {
  kind: 'table';
  table: TableSpec;
  note?: string;
}

export interface EmptyContent {
  kind: 'empty';
  message: string;
}

export type FigureContent = PlotContent | TableContent | EmptyContent;

export function plotContent(plot: PlotOptions, note?: string): PlotContent {
  return note === undefined ? { kind: 'plot', plot } : { kind: 'plot', plot, note };
}

export function tableContent(table: TableSpec, note?: string): TableContent {
  return note === undefined ? { kind: 'table', table } : { kind: 'table', table, note };
}

export function emptyContent(message: string): EmptyContent {
  return { kind: 'empty', message };
}
