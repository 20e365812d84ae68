/**
 * The web view's one style sheet, served by calpage at `/web/style.css` (no external fonts or
 * scripts). System fonts; contrast of at least 4.5:1 for text; a thick focus ring for the keyboard;
 * one column on a phone.
 */
export const WEB_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #4a5360; --bg: #ffffff; --line: #c9d1d9; --accent: #0b5cad;
  --oncall: #cfe3ff; --oncall-b: #0b5cad; --override: #ffe3b3; --override-b: #8a4b00; --gap: #ffd7d5; --gap-b: #a4161a; --event: #e3f1e5; --event-b: #1e6b34; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, [tabindex]:focus-visible {
  outline: 3px solid #c2410c; outline-offset: 2px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 8px; z-index: 2; }
header.top { display: flex; flex-wrap: wrap; gap: 12px; align-items: baseline; padding: 10px 16px; border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
header.top nav.site { display: flex; gap: 12px; font-size: 15px; } header.top nav.site [aria-current] { font-weight: 700; }
header.top .who { margin-left: auto; color: var(--muted); font-size: 14px; }
main { padding: 12px 16px 32px; max-width: 1100px; margin: 0 auto; }
h1 { font-size: 1.5rem; margin: 8px 0 12px; } h2 { font-size: 1.15rem; margin: 24px 0 8px; }
.muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f2f4f7; }
.table-wrap { overflow-x: auto; position: relative; }
nav.views { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; margin-bottom: 12px; }
nav.views form { display: flex; gap: 6px; align-items: center; }
input, select, button { font: inherit; padding: 4px 8px; border: 1px solid #5b6675; border-radius: 4px; background: #fff; color: var(--fg); }
a.button { display: inline-block; padding: 8px 14px; border-radius: 4px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
.legend { display: flex; flex-wrap: wrap; gap: 12px; font-size: 14px; margin: 8px 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 14px; height: 14px; border: 2px solid; vertical-align: -2px; margin-right: 4px; }
.day { display: grid; grid-template-columns: 110px 1fr; gap: 4px 8px; padding: 6px 0; border-top: 1px solid var(--line); }
.day-label { font-weight: 600; font-size: 14px; }
.lanes { display: grid; gap: 3px; }
.lane { display: grid; grid-template-columns: 120px 1fr; gap: 6px; align-items: center; }
.lane-name { font-size: 12px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.track { position: relative; height: 26px; background: repeating-linear-gradient(90deg, #f6f8fa 0 calc(25% - 1px), #d8dee4 calc(25% - 1px) 25%); border-radius: 3px; }
.bar { position: absolute; top: 0; bottom: 0; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; font-size: 12px; line-height: 22px; padding: 0 4px; border: 2px solid; border-radius: 3px; }
.bar.oncall { background: var(--oncall); border-color: var(--oncall-b); }
.bar.override { background: var(--override); border-color: var(--override-b); border-style: dashed; }
.bar.gap { background: repeating-linear-gradient(45deg, var(--gap) 0 6px, #fff 6px 10px); border-color: var(--gap-b); color: #7a0e12; font-weight: 600; }
.bar.event { background: var(--event); border-color: var(--event-b); }
.hours { display: grid; grid-template-columns: repeat(4, 1fr); font-size: 11px; color: var(--muted); margin-left: calc(110px + 8px + 120px + 6px); }
.month .lane:not(:first-child) { display: none; }
.month .track { height: 22px; } .month .bar { line-height: 18px; }
tr.override td:first-child { border-left: 4px dashed var(--override-b); }
tr.gap td { background: var(--gap); }
.state { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; font-weight: 600; border: 1px solid; }
.state-firing { background: #ffd7d5; color: #7a0e12; } .state-acknowledged { background: #fff1c2; color: #5c4100; }
.state-silenced { background: #e6e8eb; color: #333a44; } .state-resolved { background: #d3f0da; color: #14532d; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 3px solid var(--line); }
ol.timeline li { padding: 6px 0 6px 14px; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -8px; top: 12px; width: 13px; height: 13px; border-radius: 50%; background: #fff; border: 3px solid var(--muted); }
ol.timeline li.k-alert::before { border-color: #a4161a; } ol.timeline li.k-page::before { border-color: var(--accent); }
ol.timeline li.k-answer::before { border-color: #1e6b34; }
ol.timeline time { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 14px; margin-right: 8px; }
.kind { font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; margin-right: 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; } dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
code { font-size: 13px; background: #f2f4f7; padding: 1px 4px; border-radius: 3px; word-break: break-all; }
ul.plain { padding-left: 18px; }
.refused { max-width: 40rem; }
.report-form { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; margin: 8px 0 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 12px 24px; margin-bottom: 12px; }
figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 600; font-size: 14px; margin-bottom: 4px; }
ul.bars { list-style: none; margin: 0; padding: 0; display: grid; gap: 4px; }
ul.bars li { display: grid; grid-template-columns: 8rem 1fr 5.5rem; gap: 8px; align-items: center; font-size: 14px; }
.bar-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar-track { position: relative; height: 18px; background: #f2f4f7; border: 1px solid var(--line); border-radius: 3px; }
.bar-fill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--oncall-b); border-radius: 2px; }
.bar-fill.flagged { background: #c2410c; }
.bar-mean { position: absolute; top: -3px; bottom: -3px; width: 3px; margin-left: -1px; background: var(--fg); }
.bar-value { font-variant-numeric: tabular-nums; text-align: right; white-space: nowrap; }
table.figures .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.figures td.flagged { font-weight: 700; }
table.figures tfoot th, table.figures tfoot td { color: var(--muted); background: #f8f9fb; }
.flag { margin-left: 2px; font-weight: 700; } .flag-high { color: #a4161a; } .flag-low { color: #0b5cad; }
@media (max-width: 640px) {
  .day { grid-template-columns: 1fr; }
  .lane { grid-template-columns: 1fr; gap: 0; }
  .hours { margin-left: 0; }
  header.top .who { margin-left: 0; width: 100%; }
  ul.bars li { grid-template-columns: 7rem 1fr 5rem; }
}
`;
