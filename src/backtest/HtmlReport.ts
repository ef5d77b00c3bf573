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
import type { BacktestResults, DailyPnlRow, EquityPoint, FillPoint, InstrumentSummary, PriceSeries } from './BacktestResults.ts';
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
// Time axis: shared by every chart so they line up, with long stretches without data collapsed

const W = 960;
const H = 280;
const M_LEFT = 80;
const M_RIGHT = 16;
const M_TOP = 12;
const M_BOTTOM = 28;
const PLOT_W = W - M_LEFT - M_RIGHT;
const PLOT_H = H - M_TOP - M_BOTTOM;
const X_LEFT = M_LEFT;
const X_RIGHT = W - M_RIGHT;
/** Height of the legend strip above a plot, px. */
const LEGEND_PX = 20;
/** Width of a collapsed gap on the time axis, px. */
const GAP_PX = 24;
/** Approximate width of a "YYYY-MM-DD HH:MM:SS" label at 11 px, plus spacing. */
const LABEL_PX = 120;

/** A stretch between two equity points longer than this fraction of the run is collapsed on the time axis. */
export const GAP_FRACTION = 0.05;

/** A piece of the time axis: times [t0, t1] (ns since the axis origin, or indices) drawn at x0..x1 px. */
export interface AxisSpan {
  t0: number;
  t1: number;
  x0: number;
  x1: number;
}

/**
 * Maps times to x pixels. Built from the equity curve's times (one point per sampling interval
 * that saw data): a stretch between two consecutive points longer than GAP_FRACTION of the whole
 * run (a closed market: nights, weekends, the hours between a file's opening snapshot and the
 * first trading) is drawn as a narrow shaded gap, and the segments with data share the rest of
 * the width in proportion to their duration. Without such stretches the axis is linear.
 */
export class TimeAxis {
  constructor(
    readonly segments: readonly AxisSpan[],
    readonly gaps: readonly AxisSpan[],
    /** Epoch ns of time 0, or null when the times are indices (no epoch times in the results). */
    readonly epoch0: bigint | null,
  ) {}

  static build(ts: readonly number[], epoch0: bigint | null, gapFraction = GAP_FRACTION): TimeAxis {
    if (ts.length === 0) return new TimeAxis([{ t0: 0, t1: 0, x0: X_LEFT, x1: X_RIGHT }], [], epoch0);
    const first = ts[0];
    const last = ts[ts.length - 1];
    const span = last - first;
    const bounds: [number, number][] = [];
    let segStart = first;
    if (epoch0 !== null && span > 0) {
      for (let i = 1; i < ts.length; i++) {
        if (ts[i] - ts[i - 1] > gapFraction * span) {
          bounds.push([segStart, ts[i - 1]]);
          segStart = ts[i];
        }
      }
    }
    bounds.push([segStart, last]);
    let active = 0;
    for (const [a, b] of bounds) active += b - a;
    if (bounds.length === 1 || !(active > 0)) return new TimeAxis([{ t0: first, t1: last, x0: X_LEFT, x1: X_RIGHT }], [], epoch0);
    const g = bounds.length - 1;
    const gapPx = Math.min(GAP_PX, (PLOT_W * 0.25) / g);
    const avail = PLOT_W - g * gapPx;
    const segments: AxisSpan[] = [];
    const gaps: AxisSpan[] = [];
    let x = X_LEFT;
    bounds.forEach(([a, b], k) => {
      const w = (avail * (b - a)) / active;
      segments.push({ t0: a, t1: b, x0: x, x1: k === g ? X_RIGHT : x + w });
      x += w;
      if (k < g) {
        gaps.push({ t0: b, t1: bounds[k + 1][0], x0: x, x1: x + gapPx });
        x += gapPx;
      }
    });
    return new TimeAxis(segments, gaps, epoch0);
  }

  get xStart(): number {
    return this.segments[0].x0;
  }

  get xEnd(): number {
    return this.segments[this.segments.length - 1].x1;
  }

  /** x pixel of time t; clamped to the axis. */
  x(t: number): number {
    const segs = this.segments;
    const s0 = segs[0];
    if (t <= s0.t0) return s0.x0;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].t0 <= t) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo];
    if (t <= s.t1) return s.t1 > s.t0 ? s.x0 + ((t - s.t0) / (s.t1 - s.t0)) * (s.x1 - s.x0) : s.x0;
    if (lo === segs.length - 1) return s.x1;
    const gap = this.gaps[lo];
    return gap.x0 + ((t - gap.t0) / (gap.t1 - gap.t0)) * (gap.x1 - gap.x0);
  }

  /** Time labels under the plot: segment starts and evenly spaced times inside segments, never overlapping. */
  labels(): { x: number; text: string; anchor: 'start' | 'middle' | 'end' }[] {
    const segs = this.segments;
    if (this.epoch0 === null) {
      // index axis (no epoch times): five evenly spaced indices
      const s = segs[0];
      const n = s.t1 > s.t0 ? 5 : 1;
      const out: { x: number; text: string; anchor: 'start' | 'middle' | 'end' }[] = [];
      for (let k = 0; k < n; k++) {
        const t = s.t0 + (n > 1 ? (k / (n - 1)) * (s.t1 - s.t0) : 0);
        out.push({ x: this.x(t), text: formatInt(t), anchor: k === 0 ? 'start' : k === n - 1 ? 'end' : 'middle' });
      }
      return out;
    }
    const epoch0 = this.epoch0;
    const text = (t: number): string => formatTime((epoch0 + BigInt(Math.round(t))).toString()).slice(0, 19).replace('T', ' ');
    // placed in priority order, each only where it overlaps no label placed before it:
    // the run's end, then where each stretch of data starts (latest first: after a collapsed gap
    // the reader needs to know when the data resumes), then evenly spaced times inside segments
    const lastT = segs[segs.length - 1].t1;
    const priority: number[] = [];
    for (let k = segs.length - 1; k >= 0; k--) priority.push(segs[k].t0);
    for (const s of segs) {
      const m = Math.floor((s.x1 - s.x0) / 200);
      for (let j = 1; j < m; j++) priority.push(s.t0 + (j / m) * (s.t1 - s.t0));
    }
    type Label = { x: number; text: string; anchor: 'start' | 'middle' | 'end'; lo: number; hi: number };
    const place = (t: number, isLast: boolean): Label => {
      const x = this.x(t);
      const anchor = isLast ? 'end' : x - LABEL_PX / 2 < X_LEFT ? 'start' : x + LABEL_PX / 2 > X_RIGHT ? 'end' : 'middle';
      const lo = anchor === 'start' ? x : anchor === 'end' ? x - LABEL_PX : x - LABEL_PX / 2;
      return { x, text: text(t), anchor, lo, hi: lo + LABEL_PX };
    };
    const kept: Label[] = [place(lastT, true)];
    for (const t of priority) {
      const l = place(t, false);
      if (kept.every((k) => l.hi <= k.lo || l.lo >= k.hi)) kept.push(l);
    }
    kept.sort((a, b) => a.x - b.x);
    return kept.map(({ x, text: tx, anchor }) => ({ x, text: tx, anchor }));
  }
}

/** "21 h 59 min", "3 d 4 h", "12 min", "45 s". */
export function formatDuration(ns: number): string {
  const s = Math.round(ns / 1e9);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

// ----------------------------------------------------------------------------------------------
// SVG charts

interface SeriesSpec {
  /** Times on the axis's scale (ns since its origin, or indices). */
  ts: readonly number[];
  ys: readonly number[];
  color: string;
  label?: string;
  /** line: straight segments; area: line filled down to y = 0; step: a step function (y holds until the next t). */
  mode: 'line' | 'area' | 'step';
  /** step: the value before the first point (drawn from the axis start). */
  stepStart?: number;
}

interface BandSpec {
  ts: readonly number[];
  lo: readonly number[];
  hi: readonly number[];
}

interface MarkerSpec {
  ts: readonly number[];
  ys: readonly number[];
  /** up: a triangle pointing up with its apex at the value (buys); down: pointing down (sells). */
  shape: 'up' | 'down';
  cls: string;
}

interface ChartSpec {
  id: string;
  title: string;
  axis: TimeAxis;
  series: SeriesSpec[];
  band?: BandSpec;
  markers?: MarkerSpec[];
  formatY: (v: number, decimals: number) => string;
  /** Keep y = 0 inside the range (drawdown, position). */
  includeZero: boolean;
  legend: boolean;
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

/**
 * Keeps a polyline's shape when it has more vertices than can be seen: consecutive vertices in
 * the same pixel column are reduced to the first, the lowest, the highest and the last.
 */
function reduceColumns(v: [number, number][]): [number, number][] {
  if (v.length <= MAX_DRAWN_POINTS) return v;
  const out: [number, number][] = [];
  let i = 0;
  while (i < v.length) {
    const col = Math.round(v[i][0]);
    let j = i;
    let iMin = i;
    let iMax = i;
    while (j + 1 < v.length && Math.round(v[j + 1][0]) === col) {
      j++;
      if (v[j][1] < v[iMin][1]) iMin = j;
      if (v[j][1] > v[iMax][1]) iMax = j;
    }
    const keep = [...new Set([i, Math.min(iMin, iMax), Math.max(iMin, iMax), j])];
    for (const k of keep) out.push(v[k]);
    i = j + 1;
  }
  return out;
}

/** The vertices to draw of a series, as (x px, y data). */
function seriesVertices(axis: TimeAxis, s: SeriesSpec): [number, number][] {
  if (s.mode === 'step') {
    let prev = s.stepStart ?? 0;
    const v: [number, number][] = [[axis.xStart, prev]];
    for (let i = 0; i < s.ts.length; i++) {
      const x = axis.x(s.ts[i]);
      v.push([x, prev]);
      v.push([x, s.ys[i]]);
      prev = s.ys[i];
    }
    v.push([axis.xEnd, prev]);
    return reduceColumns(v);
  }
  return downsampleMinMax(s.ys).map((i) => [axis.x(s.ts[i]), s.ys[i]]);
}

function renderChart(spec: ChartSpec): string {
  const axis = spec.axis;
  const drawn = spec.series.map((s) => seriesVertices(axis, s));
  let lo = Infinity;
  let hi = -Infinity;
  const see = (y: number): void => {
    if (y < lo) lo = y;
    if (y > hi) hi = y;
  };
  for (const [, y] of drawn[0] ?? []) see(y);
  const firstMin = lo;
  const firstMax = hi;
  for (const v of drawn.slice(1)) for (const [, y] of v) see(y);
  let bandIdx: number[] = [];
  if (spec.band) {
    bandIdx = downsampleMinMax(spec.band.hi);
    for (const i of bandIdx) {
      see(spec.band.lo[i]);
      see(spec.band.hi[i]);
    }
  }
  for (const m of spec.markers ?? []) for (const y of m.ys) see(y);
  if (!(hi >= lo)) return `<p class="note" id="${spec.id}">Nothing to draw.</p>`;
  if (spec.includeZero) {
    lo = Math.min(lo, 0);
    hi = Math.max(hi, 0);
  }
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.01 || 1;
    lo -= pad;
    hi += pad;
  }
  // a legend gets its own strip above the plot, so it never hides data
  const top = spec.legend ? M_TOP + LEGEND_PX : M_TOP;
  const height = H + (top - M_TOP);
  const py = (y: number): number => top + (1 - (y - lo) / (hi - lo)) * PLOT_H;
  const first = spec.series[0];
  // min and max of the first series (its drawn vertices keep both: downsampling keeps extremes)
  const dataMin = firstMin;
  const dataMax = firstMax;

  const parts: string[] = [];
  parts.push(
    `<svg id="${spec.id}" class="chart" viewBox="0 0 ${W} ${height}" role="img" aria-label="${escapeHtml(spec.title)}"` +
      ` data-points="${first ? first.ys.length : 0}" data-drawn="${drawn[0] ? drawn[0].length : 0}"` +
      ` data-y-min="${first && first.ys.length > 0 ? dataMin : ''}" data-y-max="${first && first.ys.length > 0 ? dataMax : ''}"` +
      (spec.markers ? spec.markers.map((m) => ` data-${m.cls}="${m.ts.length}"`).join('') : '') +
      `>`,
  );
  parts.push(`<title>${escapeHtml(spec.title)}</title>`);
  parts.push(`<rect x="${M_LEFT}" y="${top}" width="${PLOT_W}" height="${PLOT_H}" class="plot"/>`);
  for (const g of axis.gaps) {
    parts.push(
      `<rect class="gap" x="${fmtCoord(g.x0)}" y="${top}" width="${fmtCoord(g.x1 - g.x0)}" height="${PLOT_H}">` +
        `<title>${escapeHtml(`no data for ${formatDuration(g.t1 - g.t0)} (collapsed)`)}</title></rect>`,
    );
  }
  const { ticks, decimals } = niceTicks(lo, hi);
  for (const t of ticks) {
    const y = fmtCoord(py(t));
    parts.push(`<line x1="${M_LEFT}" x2="${W - M_RIGHT}" y1="${y}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${M_LEFT - 6}" y="${y}" class="ylab">${escapeHtml(spec.formatY(t, decimals))}</text>`);
  }
  for (const l of axis.labels()) {
    parts.push(`<text x="${fmtCoord(l.x)}" y="${height - 8}" class="xlab" text-anchor="${l.anchor}">${escapeHtml(l.text)}</text>`);
  }
  if (spec.band && bandIdx.length > 0) {
    const b = spec.band;
    const up = bandIdx.map((i) => `${fmtCoord(axis.x(b.ts[i]))},${fmtCoord(py(b.hi[i]))}`);
    const down = bandIdx
      .slice()
      .reverse()
      .map((i) => `${fmtCoord(axis.x(b.ts[i]))},${fmtCoord(py(b.lo[i]))}`);
    parts.push(`<polygon class="band" points="${[...up, ...down].join(' ')}"/>`);
  }
  spec.series.forEach((s, k) => {
    const v = drawn[k];
    if (v.length === 0) return;
    const pts = v.map(([x, y]) => `${fmtCoord(x)},${fmtCoord(py(y))}`);
    if (s.mode === 'area') {
      const base = fmtCoord(py(0));
      parts.push(`<polygon class="area" fill="${s.color}" points="${fmtCoord(v[0][0])},${base} ${pts.join(' ')} ${fmtCoord(v[v.length - 1][0])},${base}"/>`);
    }
    parts.push(`<polyline class="line" stroke="${s.color}" points="${pts.join(' ')}"/>`);
  });
  for (const m of spec.markers ?? []) {
    // one path per kind; markers that would land on the same half-pixel are drawn once
    const seen = new Set<string>();
    const d: string[] = [];
    for (let i = 0; i < m.ts.length; i++) {
      const x = axis.x(m.ts[i]);
      const y = py(m.ys[i]);
      const key = `${Math.round(x * 2)}:${Math.round(y * 2)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      d.push(`M${fmtCoord(x)},${fmtCoord(y)}l4,${m.shape === 'up' ? 7 : -7}h-8z`);
    }
    if (d.length > 0) parts.push(`<path class="marker ${m.cls}" d="${d.join('')}"/>`);
  }
  if (spec.legend) {
    let x = M_LEFT + 8;
    const items: { label: string; cls?: string; color?: string }[] = spec.series.filter((s) => s.label).map((s) => ({ label: s.label ?? '', color: s.color }));
    for (const m of spec.markers ?? []) items.push({ label: m.cls === 'buys' ? 'buy fills' : 'sell fills', cls: m.cls });
    for (const it of items) {
      if (it.color) parts.push(`<line x1="${x}" x2="${x + 14}" y1="${M_TOP + 6}" y2="${M_TOP + 6}" class="leg" stroke="${it.color}"/>`);
      else parts.push(`<path class="marker ${it.cls ?? ''}" d="M${x + 7},${M_TOP + (it.cls === 'buys' ? 2 : 10)}l4,${it.cls === 'buys' ? 7 : -7}h-8z"/>`);
      parts.push(`<text x="${x + 18}" y="${M_TOP + 10}" class="legtext">${escapeHtml(it.label)}</text>`);
      x += 34 + it.label.length * 7.5;
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** Times of results points as ns since the first equity point (null when not epoch-ns strings). */
function relTime(t: string, epoch0: bigint | null): number | null {
  if (epoch0 === null || !/^\d+$/.test(t)) return null;
  return Number(BigInt(t) - epoch0);
}

/** x positions of the curve: ns since the first point when every t is epoch ns, else indices. */
function curveXs(curve: readonly EquityPoint[]): { xs: number[]; t0: bigint | null } {
  const allNs = curve.length > 0 && curve.every((p) => /^\d+$/.test(p.t));
  if (!allNs) return { xs: curve.map((_, i) => i), t0: null };
  const t0 = BigInt(curve[0].t);
  return { xs: curve.map((p) => Number(BigInt(p.t) - t0)), t0 };
}

const PALETTE = ['#0969da', '#8250df', '#bf3989', '#1a7f37', '#9a6700', '#cf222e'];

// ----------------------------------------------------------------------------------------------
// HTML

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1000px;color:#1b1f24;padding:0 12px}
h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.meta dt{color:#57606a}dl.meta dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}td,th{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left}
td.num,th.num{text-align:right}tr.section th{background:#f6f8fa;padding-top:8px}
.note{color:#57606a;font-style:italic}
#fills td{white-space:nowrap}#fills{font-size:13px}
svg.chart{width:100%;height:auto;max-width:${W}px;display:block}
svg .plot{fill:#fff;stroke:#d0d7de}svg .grid{stroke:#eaeef2}svg .line{fill:none;stroke-width:1.2;stroke-linejoin:round}svg .area{fill-opacity:.25;stroke:none}
svg text{font-size:11px;fill:#57606a}svg .ylab{text-anchor:end;dominant-baseline:middle}
svg .gap{fill:#eaeef2;stroke:none}svg .band{fill:#0969da;fill-opacity:.12;stroke:none}svg .leg{stroke-width:2}svg .legtext{dominant-baseline:auto;fill:#1b1f24}
svg .marker{stroke:#fff;stroke-width:.6}svg .buys{fill:#1a7f37}svg .sells{fill:#cf222e}
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

/** Fills of one instrument (all fills when the results predate FillPoint.instrument and there is one instrument). */
function fillsOf(r: BacktestResults, symbol: string, single: boolean): FillPoint[] {
  return r.fills.filter((f) => (f.instrument === undefined ? single : f.instrument === symbol));
}

function instrumentSymbols(r: BacktestResults): string[] {
  const fromRun = r.run.instrument.split(',').filter((x) => x.length > 0);
  const fromSummaries = (r.instruments ?? []).map((i) => i.symbol);
  return fromSummaries.length > 0 ? fromSummaries : fromRun;
}

function chartsSection(r: BacktestResults): string {
  const curve = r.equity_curve;
  const { xs, t0 } = curveXs(curve);
  const axis = TimeAxis.build(xs, t0);
  if (curve.length === 0) {
    return [
      `<h2>Equity curve</h2>`,
      `<p class="note" id="equity-chart">No equity points recorded.</p>`,
      `<h2>Drawdown</h2>`,
      `<p class="note" id="drawdown-chart">No equity points recorded.</p>`,
    ].join('\n');
  }
  const equity = renderChart({
    id: 'equity-chart',
    title: `Equity (${r.run.currency})`,
    axis,
    series: [{ ts: xs, ys: curve.map((p) => p.equity), color: '#0969da', mode: 'line' }],
    formatY: (v, d) => formatNumber(v, d),
    includeZero: false,
    legend: false,
  });
  // Drawdown in percent, drawn downwards; the worst value inside each interval when known.
  const drawdown = renderChart({
    id: 'drawdown-chart',
    title: 'Drawdown from peak (%)',
    axis,
    series: [{ ts: xs, ys: curve.map((p) => -(p.interval_max_drawdown ?? p.drawdown) * 100), color: '#cf222e', mode: 'area' }],
    formatY: (v, d) => `${formatNumber(v, d)}%`,
    includeZero: true,
    legend: false,
  });
  const sampling = `${formatInt(curve.length)} points, one per ${formatNumber(r.stats.sampling_interval_s, 0)} s interval` +
    (curve.length > MAX_DRAWN_POINTS ? '; drawn downsampled keeping the min and max of each bucket' : '');
  const gapNote =
    axis.gaps.length > 0
      ? ` Shaded: ${formatInt(axis.gaps.length)} stretch${axis.gaps.length > 1 ? 'es' : ''} without data (${axis.gaps.map((g) => formatDuration(g.t1 - g.t0)).join(', ')}), collapsed on the time axis of every chart.`
      : '';
  return [
    `<h2>Equity curve</h2>`,
    `<p class="note">${escapeHtml(sampling)}.${escapeHtml(gapNote)}</p>`,
    equity,
    `<h2>Drawdown</h2>`,
    `<p class="note">Max drawdown ${escapeHtml(formatPercent(r.stats.max_drawdown, 2))} (checked on every update).</p>`,
    drawdown,
    positionChart(r, axis, t0, xs),
    ...priceCharts(r, axis, t0),
  ].join('\n');
}

/** Signed position per instrument: a step line from the fills (exact), or the sampled gross position without epoch times. */
function positionChart(r: BacktestResults, axis: TimeAxis, t0: bigint | null, xs: readonly number[]): string {
  const symbols = instrumentSymbols(r);
  const single = symbols.length === 1;
  let series: SeriesSpec[];
  let note: string;
  if (t0 === null) {
    series = [{ ts: xs, ys: r.equity_curve.map((p) => p.position), color: PALETTE[0], mode: 'line', label: 'gross' }];
    note = 'Gross position (lots) at each sampled point.';
  } else {
    series = symbols.map((sym, k) => {
      const ts: number[] = [];
      const ys: number[] = [];
      let pos = 0;
      for (const f of fillsOf(r, sym, single)) {
        const t = relTime(f.t, t0);
        if (t === null) continue;
        pos += f.side === 'BUY' ? f.qty : -f.qty;
        ts.push(t);
        ys.push(pos);
      }
      return { ts, ys, color: PALETTE[k % PALETTE.length], mode: 'step' as const, stepStart: 0, label: sym };
    });
    note = 'Signed position (quantity) per instrument after every fill: long above zero, short below.';
  }
  const chart = renderChart({
    id: 'position-chart',
    title: 'Position',
    axis,
    series,
    formatY: (v, d) => formatNumber(v, d),
    includeZero: true,
    legend: series.length > 1 || symbols.length > 1,
  });
  return [`<h2>Position</h2>`, `<p class="note">${escapeHtml(note)}</p>`, chart].join('\n');
}

/** One chart per instrument: its price line (last price per interval, low-high band) with buy and sell fills as markers. */
function priceCharts(r: BacktestResults, axis: TimeAxis, t0: bigint | null): string[] {
  const out: string[] = [];
  const series: readonly PriceSeries[] = r.price_series ?? [];
  const symbols = instrumentSymbols(r);
  const single = symbols.length === 1;
  if (series.length === 0 || t0 === null) {
    out.push(`<h2>Price and fills</h2>`, `<p class="note" id="price-charts">No price series in these results.</p>`);
    return out;
  }
  series.forEach((ps, k) => {
    const id = `price-chart-${k + 1}`;
    const ts: number[] = [];
    const last: number[] = [];
    const lo: number[] = [];
    const hi: number[] = [];
    for (const p of ps.points) {
      const t = relTime(p.t, t0);
      if (t === null) continue;
      ts.push(t);
      last.push(p.price);
      lo.push(p.low);
      hi.push(p.high);
    }
    const buys: { ts: number[]; ys: number[] } = { ts: [], ys: [] };
    const sells: { ts: number[]; ys: number[] } = { ts: [], ys: [] };
    for (const f of fillsOf(r, ps.instrument, single && series.length === 1)) {
      const t = relTime(f.t, t0);
      if (t === null) continue;
      const m = f.side === 'BUY' ? buys : sells;
      m.ts.push(t);
      m.ys.push(f.price);
    }
    const what = ps.source === 'trades' ? 'last trade price' : ps.source === 'mid' ? 'mid price' : ps.source === 'bars' ? 'bar close' : 'price';
    out.push(`<h2>Price and fills: ${escapeHtml(ps.instrument)}</h2>`);
    out.push(
      `<p class="note">${escapeHtml(
        `Line: ${what} at the end of each ${formatNumber(ps.interval_s, 0)} s interval (${formatInt(ts.length)} points); band: low to high of the interval; ` +
          `markers: ${formatInt(buys.ts.length)} buy fills (up, green) and ${formatInt(sells.ts.length)} sell fills (down, red) at their fill price.`,
      )}</p>`,
    );
    if (ts.length === 0 && buys.ts.length + sells.ts.length === 0) {
      out.push(`<p class="note" id="${id}">No prices or fills for this instrument.</p>`);
      return;
    }
    out.push(
      renderChart({
        id,
        title: `${ps.instrument} price`,
        axis,
        series: [{ ts, ys: last, color: '#57606a', mode: 'line', label: what }],
        band: { ts, lo, hi },
        markers: [
          { ts: buys.ts, ys: buys.ys, shape: 'up', cls: 'buys' },
          { ts: sells.ts, ys: sells.ys, shape: 'down', cls: 'sells' },
        ],
        formatY: (v, d) => formatNumber(v, Math.max(d, 2)),
        includeZero: false,
        legend: true,
      }),
    );
  });
  return out;
}

function dailySection(r: BacktestResults): string {
  const rows: readonly DailyPnlRow[] = r.daily_pnl ?? [];
  const start = r.run.trading_day_start_utc ?? '00:00';
  const head = `<h2>Daily P&amp;L</h2>\n<p class="note">${escapeHtml(
    `Trading days start at ${start} UTC. P&L is the change of equity over the day (marked to market, net of fees), in ${r.run.currency}.`,
  )}</p>`;
  if (rows.length === 0) return `${head}\n<p class="note" id="daily-pnl">No daily rows in these results.</p>`;
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const body = shown.map(
    (d) =>
      `<tr>${td(d.day)}${td(formatNumber(d.pnl, 2), true)}${td(formatNumber(d.fees, 2), true)}${td(formatInt(d.fills), true)}` +
      `${td(formatInt(d.closed_trades), true)}${td(formatQuantity(d.volume_lots), true)}${td(formatNumber(d.end_equity, 2), true)}</tr>`,
  );
  return [
    head,
    truncationNote(shown.length, rows.length, 'days'),
    `<table id="daily-pnl"><thead><tr>${th('Day')}${th('P&L', true)}${th('Fees', true)}${th('Fills', true)}${th('Closed trades', true)}${th('Volume (lots)', true)}${th('End equity', true)}</tr></thead><tbody>`,
    body.join('\n'),
    `</tbody></table>`,
  ].join('\n');
}

function instrumentsSection(r: BacktestResults): string {
  const list: readonly InstrumentSummary[] = r.instruments ?? [];
  if (list.length === 0) return '';
  const px = (v: number | null): string => (v === null ? 'n/a' : String(v));
  const rows: [string, (i: InstrumentSummary) => string][] = [
    ['Events', (i) => formatInt(i.events)],
    ['Fills', (i) => formatInt(i.fills)],
    ['Volume (lots)', (i) => formatQuantity(i.volume_lots)],
    ['Traded notional', (i) => `${formatNumber(i.traded_notional, 2)} ${i.currency}`],
    ['Max position (lots)', (i) => formatQuantity(i.max_position_lots)],
    ['Final position (lots)', (i) => formatQuantity(i.final_position_lots)],
    ['Time in market', (i) => formatPercent(i.time_in_market, 1)],
    ['Avg slippage vs decision mid (ticks/fill)', (i) => formatNumber(i.avg_slippage_ticks, 3)],
    ['Avg slippage per fill', (i) => `${formatNumber(i.avg_slippage, 2)} ${i.currency}`],
    ['Fills with a decision mid', (i) => formatInt(i.slippage_fills)],
    ['Realised P&L', (i) => `${formatNumber(i.realized_pnl, 2)} ${i.currency}`],
    ['Fees', (i) => `${formatNumber(i.fees, 2)} ${i.currency}`],
    ['Final bid / ask', (i) => `${px(i.final_bid)} / ${px(i.final_ask)}`],
  ];
  const head = `<tr>${th('')}${list.map((i) => th(i.symbol, true)).join('')}</tr>`;
  const body = rows.map(([label, f]) => `<tr>${td(label)}${list.map((i) => td(f(i), true)).join('')}</tr>`);
  return [`<h2>Instruments</h2>`, `<table id="instruments"><thead>${head}</thead><tbody>`, body.join('\n'), `</tbody></table>`].join('\n');
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
  const byInstrument = Object.entries(d.events_by_instrument ?? {});
  const l3 =
    d.unknown_order_events === undefined
      ? ''
      : ` L3 books: ${formatInt(d.unknown_order_events)} events on unknown orders, ${formatInt(d.duplicate_add_events)} duplicate adds, ` +
        `${formatInt(d.book_snapshots)} snapshots (${formatInt(d.book_snapshot_resets)} of them replaced a non-empty book).`;
  return [
    `<h2>Data</h2>`,
    `<p>${escapeHtml(`${formatInt(d.events)} events, ${formatInt(d.rejected)} rejected, ${formatInt(d.crossed_book_events)} with a crossed book.${l3}`)}</p>`,
    byInstrument.length > 1 ? `<p>${escapeHtml(`Events by instrument: ${byInstrument.map(([k, n]) => `${k} ${formatInt(n)}`).join(', ')}.`)}</p>` : '',
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
  const opt = (v: number | null | undefined, d: number): string => (v === null || v === undefined ? 'n/a' : formatNumber(v, d));
  const rows = shown.map(
    (f, i) =>
      `<tr>${td(String(i + 1), true)}${td(formatTime(f.t))}${td(f.side)}${td(String(f.price), true)}` +
      `${td(formatQuantity(f.qty), true)}${td(f.liquidity)}${td(formatNumber(f.fee, 2), true)}` +
      `${td(f.instrument ?? r.run.instrument)}${td(f.decision_mid === null || f.decision_mid === undefined ? 'n/a' : String(f.decision_mid), true)}${td(opt(f.slippage_ticks, 2), true)}</tr>`,
  );
  return [
    `<h2>Fills</h2>`,
    truncationNote(shown.length, fills.length, 'fills'),
    `<p class="note">Slippage: fill price vs the mid when the order was sent (or last re-priced), in ticks, positive = worse for us.</p>`,
    `<table id="fills"><thead><tr>${th('#', true)}${th('Time')}${th('Side')}${th('Price', true)}${th('Qty', true)}${th('Liquidity')}${th(`Fee (${r.run.currency})`, true)}` +
      `${th('Instrument')}${th('Decision mid', true)}${th('Slippage (ticks)', true)}</tr></thead><tbody>`,
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
    dailySection(results),
    instrumentsSection(results),
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
