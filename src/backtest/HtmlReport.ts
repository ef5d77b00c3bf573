/**
 * The backtest report: ONE self-contained HTML file (no network, no scripts) plus results.json.
 *
 * Charts are hand-written inline SVG rather than uPlot. Why:
 * - the report needs two static line charts (equity, drawdown); SVG draws them with no JS at all,
 *   so the file opens anywhere (strict CSP, mail attachments, CI artefact viewers, JS disabled);
 * - nothing is read from node_modules at render time, so the bytes of a report do not depend on
 *   which uPlot version is installed, and a run can be reproduced byte for byte from its inputs;
 * - no ~50 kB of library per report and no new dependency.
 * The price is no interactive zoom or crosshair; results.json holds the full series for that.
 * A Content-Security-Policy meta tag (default-src 'none') makes the browser refuse any network
 * load even if one slipped in.
 *
 * Every piece of text that comes from the results (names, reasons, hashes, paths) goes through
 * escapeHtml. Output is deterministic: no "now", iteration in array order, reason tables sorted.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BacktestResults, EquityPoint } from './BacktestResults.ts';
import { formatInt, formatNumber, formatPercent, formatQuantity, formatTime, summarySections } from './format.ts';

/** Rows shown in the fills and risk-transition tables before truncating. */
export const MAX_TABLE_ROWS = 500;
/** Above this many points a chart is downsampled for drawing (min/max per bucket). */
export const MAX_DRAWN_POINTS = 5_000;
/** Buckets used when downsampling: at most 2 points each, so <= 4,000 vertices + the ends. */
export const DOWNSAMPLE_BUCKETS = 2_000;

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return '&#39;';
    }
  });
}

/**
 * Indices of the points to draw. Up to maxPoints: all of them. Beyond: the series is cut into
 * `buckets` equal runs of indices and each run keeps the index of its minimum and of its maximum
 * (in index order), plus the first and last point, so no peak or trough (drawdown) is hidden.
 */
export function downsampleMinMax(ys: readonly number[], maxPoints = MAX_DRAWN_POINTS, buckets = DOWNSAMPLE_BUCKETS): number[] {
  const n = ys.length;
  const out: number[] = [];
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) out.push(i);
    return out;
  }
  const push = (i: number): void => {
    if (out.length === 0 || out[out.length - 1] < i) out.push(i);
  };
  push(0);
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    if (to <= from) continue;
    let iMin = from;
    let iMax = from;
    for (let i = from + 1; i < to; i++) {
      if (ys[i] < ys[iMin]) iMin = i;
      if (ys[i] > ys[iMax]) iMax = i;
    }
    push(Math.min(iMin, iMax));
    push(Math.max(iMin, iMax));
  }
  push(n - 1);
  return out;
}

// ----------------------------------------------------------------------------------------------
// SVG charts

const W = 960;
const H = 280;
const M_LEFT = 80;
const M_RIGHT = 16;
const M_TOP = 12;
const M_BOTTOM = 28;

interface ChartSpec {
  id: string;
  title: string;
  /** x of each point: ns since the first point (or the index when times are not epoch ns). */
  xs: readonly number[];
  ys: readonly number[];
  /** Epoch ns of x = 0, or null when xs are indices. */
  t0: bigint | null;
  formatY: (v: number, decimals: number) => string;
  /** Fill the area between the line and y = 0 (drawdown). */
  area: boolean;
  color: string;
}

function niceTicks(lo: number, hi: number): { ticks: number[]; decimals: number } {
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  const step = nice * mag;
  const decimals = Math.min(9, Math.max(0, -Math.floor(Math.log10(step)) + (nice === 2.5 ? 1 : 0)));
  const ticks: number[] = [];
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) ticks.push(k * step);
  return { ticks, decimals };
}

function fmtCoord(v: number): string {
  const s = v.toFixed(1);
  return s === '-0.0' ? '0.0' : s;
}

function xLabel(spec: ChartSpec, x: number): string {
  if (spec.t0 === null) return formatInt(x);
  return formatTime((spec.t0 + BigInt(Math.round(x))).toString()).slice(0, 19).replace('T', ' ');
}

function renderChart(spec: ChartSpec): string {
  const n = spec.ys.length;
  if (n === 0) return `<p class="note" id="${spec.id}">No equity points recorded.</p>`;
  const idx = downsampleMinMax(spec.ys);
  let lo = Infinity;
  let hi = -Infinity;
  for (const i of idx) {
    if (spec.ys[i] < lo) lo = spec.ys[i];
    if (spec.ys[i] > hi) hi = spec.ys[i];
  }
  const dataMin = lo;
  const dataMax = hi;
  if (spec.area) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.01 || 1;
    lo -= pad;
    hi += pad;
  }
  const x0 = spec.xs[0];
  const xSpan = spec.xs[n - 1] - x0 || 1;
  const plotW = W - M_LEFT - M_RIGHT;
  const plotH = H - M_TOP - M_BOTTOM;
  const px = (x: number): number => M_LEFT + ((x - x0) / xSpan) * plotW;
  const py = (y: number): number => M_TOP + (1 - (y - lo) / (hi - lo)) * plotH;

  const pts: string[] = [];
  for (const i of idx) pts.push(`${fmtCoord(px(spec.xs[i]))},${fmtCoord(py(spec.ys[i]))}`);

  const parts: string[] = [];
  parts.push(
    `<svg id="${spec.id}" class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(spec.title)}"` +
      ` data-points="${n}" data-drawn="${idx.length}" data-y-min="${dataMin}" data-y-max="${dataMax}">`,
  );
  parts.push(`<title>${escapeHtml(spec.title)}</title>`);
  parts.push(`<rect x="${M_LEFT}" y="${M_TOP}" width="${plotW}" height="${plotH}" class="plot"/>`);

  const { ticks, decimals } = niceTicks(lo, hi);
  for (const t of ticks) {
    const y = fmtCoord(py(t));
    parts.push(`<line x1="${M_LEFT}" x2="${W - M_RIGHT}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${M_LEFT - 6}" y="${y}" class="ylab">${escapeHtml(spec.formatY(t, decimals))}</text>`);
  }
  const xTicks = n > 1 ? 5 : 1;
  for (let k = 0; k < xTicks; k++) {
    const x = x0 + (xTicks > 1 ? (k / (xTicks - 1)) * xSpan : 0);
    const anchor = k === 0 ? 'start' : k === xTicks - 1 ? 'end' : 'middle';
    parts.push(`<text x="${fmtCoord(px(x))}" y="${H - 8}" class="xlab" text-anchor="${anchor}">${escapeHtml(xLabel(spec, x))}</text>`);
  }

  if (spec.area) {
    const base = fmtCoord(py(0));
    const first = fmtCoord(px(spec.xs[idx[0]]));
    const last = fmtCoord(px(spec.xs[idx[idx.length - 1]]));
    parts.push(`<polygon class="area" fill="${spec.color}" points="${first},${base} ${pts.join(' ')} ${last},${base}"/>`);
  }
  parts.push(`<polyline class="line" stroke="${spec.color}" points="${pts.join(' ')}"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

/** x positions of the curve: ns since the first point when every t is epoch ns, else indices. */
function curveXs(curve: readonly EquityPoint[]): { xs: number[]; t0: bigint | null } {
  const allNs = curve.length > 0 && curve.every((p) => /^\d+$/.test(p.t));
  if (!allNs) return { xs: curve.map((_, i) => i), t0: null };
  const t0 = BigInt(curve[0].t);
  return { xs: curve.map((p) => Number(BigInt(p.t) - t0)), t0 };
}

// ----------------------------------------------------------------------------------------------
// HTML

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#1b1f24;padding:0 12px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.meta dt{color:#57606a}dl.meta dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left}
td.num,th.num{text-align:right}tr.section th{background:#f6f8fa;padding-top:8px}
.note{color:#57606a;font-style:italic}
svg.chart{width:100%;height:auto;max-width:${W}px;display:block}
svg .plot{fill:#fff;stroke:#d0d7de}svg .grid{stroke:#eaeef2}svg .line{fill:none;stroke-width:1.2;stroke-linejoin:round}svg .area{fill-opacity:.25;stroke:none}
svg text{font-size:11px;fill:#57606a}svg .ylab{text-anchor:end;dominant-baseline:middle}
`.trim();

function th(label: string, numeric = false): string {
  return `<th${numeric ? ' class="num"' : ''}>${escapeHtml(label)}</th>`;
}

function td(value: string, numeric = false): string {
  return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(value)}</td>`;
}

/** A (reason -> count) table, largest count first, ties by reason: stable across runs. */
function countsTable(id: string, counts: Record<string, number>, emptyNote: string): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (entries.length === 0) return `<p class="note" id="${id}">${escapeHtml(emptyNote)}</p>`;
  const rows = entries.map(([reason, n]) => `<tr>${td(reason)}${td(formatInt(n), true)}</tr>`);
  return `<table id="${id}"><thead><tr>${th('Reason')}${th('Count', true)}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

function truncationNote(shown: number, total: number, what: string): string {
  if (total <= shown) return '';
  return `<p class="note">Showing the first ${formatInt(shown)} of ${formatInt(total)} ${escapeHtml(what)}; results.json has all of them.</p>`;
}

function headerSection(r: BacktestResults): string {
  const meta: [string, string][] = [
    ['Strategy', r.run.strategy],
    ['Instrument', `${r.run.instrument} (${r.run.currency})`],
    ['Period', `${formatTime(r.run.start)} -> ${formatTime(r.run.end)}`],
    ['Mode', r.run.mode],
    ['Seed', String(r.run.seed)],
    ['Code hash', r.run.code_hash],
    ['Config hash', r.run.config_hash],
    ['Config', r.run.config_path],
    ['Bulwark version', r.bulwark_version],
    ['Data files', r.data.files.length > 0 ? r.data.files.join(', ') : '(none)'],
  ];
  const items = meta.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('\n');
  return `<header>\n<h1>Bulwark backtest: ${escapeHtml(r.run.strategy)}</h1>\n<dl class="meta">\n${items}\n</dl>\n</header>`;
}

function summarySection(r: BacktestResults): string {
  const rows: string[] = [];
  for (const sec of summarySections(r)) {
    rows.push(`<tr class="section"><th colspan="2">${escapeHtml(sec.title)}</th></tr>`);
    for (const row of sec.rows) rows.push(`<tr>${td(row.label)}${td(row.value, row.numeric)}</tr>`);
  }
  return `<h2>Summary</h2>\n<table id="summary">\n${rows.join('\n')}\n</table>`;
}

function chartsSection(r: BacktestResults): string {
  const curve = r.equity_curve;
  const { xs, t0 } = curveXs(curve);
  const equity = renderChart({
    id: 'equity-chart',
    title: `Equity (${r.run.currency})`,
    xs,
    ys: curve.map((p) => p.equity),
    t0,
    formatY: (v, d) => formatNumber(v, d),
    area: false,
    color: '#0969da',
  });
  // Drawdown in percent, drawn downwards; the worst value inside each interval when known.
  const drawdown = renderChart({
    id: 'drawdown-chart',
    title: 'Drawdown from peak (%)',
    xs,
    ys: curve.map((p) => -(p.interval_max_drawdown ?? p.drawdown) * 100),
    t0,
    formatY: (v, d) => `${formatNumber(v, d)}%`,
    area: true,
    color: '#cf222e',
  });
  const sampling = `${formatInt(curve.length)} points, one per ${formatNumber(r.stats.sampling_interval_s, 0)} s interval` +
    (curve.length > MAX_DRAWN_POINTS ? '; drawn downsampled keeping the min and max of each bucket' : '');
  return [
    `<h2>Equity curve</h2>`,
    `<p class="note">${escapeHtml(sampling)}.</p>`,
    equity,
    `<h2>Drawdown</h2>`,
    `<p class="note">Max drawdown ${escapeHtml(formatPercent(r.stats.max_drawdown, 2))} (checked on every update).</p>`,
    drawdown,
  ].join('\n');
}

function ordersSection(r: BacktestResults): string {
  const o = r.orders;
  const counts: [string, number][] = [
    ['Submitted', o.submitted],
    ['Accepted', o.accepted],
    ['Filled', o.filled],
    ['Partially filled', o.partially_filled],
    ['Canceled', o.canceled],
    ['Rejected (venue)', o.rejected],
    ['Denied (risk)', o.denied],
  ];
  const rows = counts.map(([k, n]) => `<tr>${td(k)}${td(formatInt(n), true)}</tr>`).join('\n');
  return [
    `<h2>Orders</h2>`,
    `<table id="order-counts"><tbody>\n${rows}\n</tbody></table>`,
    `<h3>Denied by reason</h3>`,
    countsTable('denied-by-reason', o.denied_by_reason, 'No order was denied.'),
  ].join('\n');
}

function dataSection(r: BacktestResults): string {
  const d = r.data;
  return [
    `<h2>Data</h2>`,
    `<p>${escapeHtml(`${formatInt(d.events)} events, ${formatInt(d.rejected)} rejected, ${formatInt(d.crossed_book_events)} with a crossed book.`)}</p>`,
    `<h3>Rejects by reason</h3>`,
    countsTable('rejects-by-reason', d.rejected_by_reason, 'No data was rejected.'),
  ].join('\n');
}

function riskSection(r: BacktestResults): string {
  const tr = r.risk.transitions;
  const head = `<p>${escapeHtml(`Final state ${r.risk.state}; max gross position ${formatQuantity(r.risk.max_gross_position)}.`)}</p>`;
  if (tr.length === 0) return `<h2>Risk</h2>\n${head}\n<p class="note" id="risk-transitions">No risk state transitions.</p>`;
  const shown = tr.slice(0, MAX_TABLE_ROWS);
  const rows = shown.map((t) => `<tr>${td(formatTime(t.t))}${td(t.from)}${td(t.to)}${td(t.reason)}</tr>`);
  return [
    `<h2>Risk</h2>`,
    head,
    truncationNote(shown.length, tr.length, 'transitions'),
    `<table id="risk-transitions"><thead><tr>${th('Time')}${th('From')}${th('To')}${th('Reason')}</tr></thead><tbody>`,
    rows.join('\n'),
    `</tbody></table>`,
  ].join('\n');
}

function fillsSection(r: BacktestResults): string {
  const fills = r.fills;
  if (fills.length === 0) return `<h2>Fills</h2>\n<p class="note" id="fills">No fills.</p>`;
  const shown = fills.slice(0, MAX_TABLE_ROWS);
  const rows = shown.map(
    (f, i) =>
      `<tr>${td(String(i + 1), true)}${td(formatTime(f.t))}${td(f.side)}${td(String(f.price), true)}` +
      `${td(formatQuantity(f.qty), true)}${td(f.liquidity)}${td(formatNumber(f.fee, 2), true)}</tr>`,
  );
  return [
    `<h2>Fills</h2>`,
    truncationNote(shown.length, fills.length, 'fills'),
    `<table id="fills"><thead><tr>${th('#', true)}${th('Time')}${th('Side')}${th('Price', true)}${th('Qty', true)}${th('Liquidity')}${th(`Fee (${r.run.currency})`, true)}</tr></thead><tbody>`,
    rows.join('\n'),
    `</tbody></table>`,
  ].join('\n');
}

export function renderHtmlReport(results: BacktestResults): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`Bulwark backtest: ${results.run.strategy} on ${results.run.instrument}`)}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    headerSection(results),
    summarySection(results),
    chartsSection(results),
    ordersSection(results),
    dataSection(results),
    riskSection(results),
    fillsSection(results),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Writes results.json (JSON.stringify with 2-space indent and a final newline; identical results
 * give identical bytes, nothing of "now" is added) and report.html into `dir` (created if needed).
 */
export function writeReport(dir: string, results: BacktestResults): { jsonPath: string; htmlPath: string } {
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'results.json');
  const htmlPath = join(dir, 'report.html');
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`, 'utf8');
  writeFileSync(htmlPath, renderHtmlReport(results), 'utf8');
  return { jsonPath, htmlPath };
}
