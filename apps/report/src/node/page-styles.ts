/** The report's stylesheet: screen first, then print (no controls, figures kept whole, A4). */
export const PAGE_STYLES = `
:root { --ink: #1d232b; --muted: #5b6672; --line: #dde2e8; --panel: #ffffff; --page: #f5f7f9; --accent: #b8322a; --accent-soft: #fbeceb; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.report-header { background: #1f2a36; color: #f2f5f8; padding: 22px 32px 18px; }
.report-header .kicker { margin: 0; color: #aab6c3; font-size: 12px; letter-spacing: .06em; text-transform: uppercase; }
.report-header h1 { margin: 4px 0 2px; font-size: 26px; font-weight: 650; }
.report-header .subtitle { margin: 0 0 14px; color: #c9d3dd; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0; }
.facts div { display: flex; gap: 6px; }
.facts dt { color: #93a1af; }
.facts dd { margin: 0; font-weight: 550; }
.key-metrics { display: flex; flex-wrap: wrap; gap: 10px; margin: 16px 0 0; padding: 0; list-style: none; }
.key-metrics li { background: rgba(255,255,255,.08); border: 1px solid rgba(255,255,255,.14); border-radius: 6px; padding: 6px 12px; min-width: 120px; }
.key-metrics .value { display: block; font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.key-metrics .label { display: block; color: #aab6c3; font-size: 12px; }
.header-warnings { margin: 14px 0 0; padding: 8px 12px 8px 28px; background: #fff4e0; color: #5a3b00; border-radius: 6px; max-width: 1100px; }
.header-warnings li { margin: 2px 0; }
.controls { position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; align-items: end; gap: 10px 18px; padding: 10px 32px; background: rgba(255,255,255,.97); border-bottom: 1px solid var(--line); box-shadow: 0 1px 4px rgba(0,0,0,.05); }
.control { display: flex; flex-direction: column; gap: 2px; font-size: 12px; color: var(--muted); }
.control select, .control input { font: inherit; font-size: 14px; color: var(--ink); padding: 4px 6px; border: 1px solid #c3cbd4; border-radius: 4px; background: white; min-width: 90px; }
.control input[type=number] { width: 80px; min-width: 0; }
.control-filter input { width: 240px; }
.control .control-search { width: 180px; margin-bottom: 2px; }
.control :disabled { color: #8a949e; background: #f1f3f5; }
.viewer-status { margin-left: auto; font-size: 12px; color: var(--muted); align-self: center; max-width: 420px; }
.viewer-status[data-state=ready] { color: #2d6a3e; }
.viewer-status[data-state=error] { color: var(--accent); }
main { max-width: 1260px; margin: 0 auto; padding: 8px 32px 40px; }
section.report-section { margin-top: 26px; }
section.report-section > h2 { font-size: 19px; margin: 0 0 4px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
.section-intro { margin: 6px 0 14px; color: var(--muted); max-width: 900px; }
.figure-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; align-items: start; }
.figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.figure.wide { grid-column: 1 / -1; }
.figure figcaption h3 { margin: 0; font-size: 15px; }
.figure figcaption p { margin: 2px 0 8px; color: var(--muted); font-size: 12.5px; }
.figure-body { overflow-x: auto; }
.figure-body svg { max-width: 100%; height: auto; overflow: visible; }
.figure-body svg[class$="-ramp"] { margin-left: 10px; }
.figure-body h2, .figure-body h3 { font-size: 13.5px; font-weight: 600; margin: 0 0 6px; line-height: 1.3; }
.figure-body figure { margin: 0; }
.figure-note { margin: 6px 0 0; font-size: 12px; color: var(--muted); font-style: italic; }
.figure-empty { color: var(--muted); font-style: italic; padding: 24px 0; margin: 0; }
.figure.updating .figure-body { opacity: .55; transition: opacity .15s; }
.table-scroll { overflow-x: auto; max-height: 560px; }
.data-table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
.data-table th { text-align: left; font-weight: 600; color: var(--muted); border-bottom: 1.5px solid #b9c2cb; padding: 4px 8px; position: sticky; top: 0; background: white; }
.data-table td { border-bottom: 1px solid #edf0f3; padding: 3px 8px; vertical-align: top; }
.data-table .num { text-align: right; white-space: nowrap; }
.data-table th.num { white-space: normal; }
.data-table td { overflow-wrap: anywhere; }
.data-table tbody tr:hover { background: #f6f8fa; }
.data-table.key-value td:first-child { color: var(--muted); white-space: nowrap; width: 1%; }
.data-table.key-value td:last-child { word-break: break-all; }
.data-table tr.baseline-wins td { background: var(--accent-soft); }
.data-table tr.baseline-ahead td { background: #fdf6ec; }
.page-notes { max-width: 1260px; margin: 0 auto; padding: 0 32px 40px; color: var(--muted); font-size: 12.5px; }
.page-notes h2 { font-size: 15px; color: var(--ink); }
.page-notes ul { padding-left: 18px; }
details.config pre { background: #f1f3f5; padding: 10px; border-radius: 6px; overflow: auto; max-height: 360px; font-size: 12px; }
@media (max-width: 700px) { .figure-grid { grid-template-columns: 1fr; } main, .controls, .report-header, .page-notes { padding-left: 12px; padding-right: 12px; } }
@media print {
  @page { size: A4; margin: 12mm; }
  body { background: white; font-size: 11px; }
  .controls { display: none; }
  .report-header { background: white; color: black; padding: 0 0 8px; border-bottom: 2px solid black; }
  .report-header .kicker, .report-header .subtitle, .facts dt, .key-metrics .label { color: #444; }
  .key-metrics li { border-color: #999; background: none; }
  main, .page-notes { max-width: none; padding: 0; }
  .figure-grid { grid-template-columns: 1fr 1fr; gap: 8px; }
  .figure { break-inside: avoid; border-color: #bbb; padding: 6px; }
  .figure.wide { grid-column: 1 / -1; }
  section.report-section { break-inside: auto; }
  section.report-section > h2 { break-after: avoid; }
  .table-scroll { max-height: none; overflow: visible; }
  .data-table { font-size: 9.5px; }
  .data-table th, .data-table td { position: static; padding: 2px 4px; }
  .data-table .num { white-space: normal; }
  details.config { display: none; }
}
`;
