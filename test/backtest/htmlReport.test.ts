import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { BacktestResults, EquityPoint } from '../../src/backtest/BacktestResults.ts';
import { downsampleMinMax, escapeHtml, formatDuration, renderHtmlReport, TimeAxis, writeReport } from '../../src/backtest/HtmlReport.ts';
import { EquitySampler } from '../../src/backtest/PerformanceStatistics.ts';
import { makePriceSeries, makeResults, TIME_BASE_NS } from './fixtures.ts';

/** The vertices of the <polyline> inside the <svg id="..."> element. */
function polyline(html: string, svgId: string): [number, number][] {
  const start = html.indexOf(`<svg id="${svgId}"`);
  assert.ok(start >= 0, `no svg ${svgId}`);
  const end = html.indexOf('</svg>', start);
  const svg = html.slice(start, end);
  const m = /<polyline[^>]* points="([^"]*)"/.exec(svg);
  assert.ok(m, `no polyline in ${svgId}`);
  return m[1].split(' ').map((p) => {
    const [x, y] = p.split(',').map(Number);
    return [x, y];
  });
}

function svgAttr(html: string, svgId: string, attr: string): string {
  const m = new RegExp(`<svg id="${svgId}"[^>]* ${attr}="([^"]*)"`).exec(html);
  assert.ok(m, `no ${attr} on ${svgId}`);
  return m[1];
}

function section(html: string, tableId: string): string {
  const start = html.indexOf(`<table id="${tableId}"`);
  assert.ok(start >= 0, `no table ${tableId}`);
  return html.slice(start, html.indexOf('</table>', start));
}

describe('renderHtmlReport', () => {
  it('draws every point of a small equity curve, scaled to the plot area', () => {
    const r = makeResults({ points: 300 });
    const html = renderHtmlReport(r);
    const pts = polyline(html, 'equity-chart');
    assert.equal(pts.length, 300);
    assert.equal(svgAttr(html, 'equity-chart', 'data-points'), '300');
    assert.equal(svgAttr(html, 'equity-chart', 'data-drawn'), '300');
    // Plot area: x 80..944, y 12 (max) .. 252 (min).
    assert.deepEqual(pts[0][0], 80);
    assert.deepEqual(pts[299][0], 944);
    const equities = r.equity_curve.map((p) => p.equity);
    const iMax = equities.indexOf(Math.max(...equities));
    const iMin = equities.indexOf(Math.min(...equities));
    assert.equal(pts[iMax][1], 12);
    assert.equal(pts[iMin][1], 252);
    assert.equal(Number(svgAttr(html, 'equity-chart', 'data-y-max')), equities[iMax]);
    assert.equal(Number(svgAttr(html, 'equity-chart', 'data-y-min')), equities[iMin]);
    // The drawdown chart has a point per interval too.
    assert.equal(polyline(html, 'drawdown-chart').length, 300);
  });

  it('escapes the strategy name and every other text', () => {
    const r = makeResults({ strategy: '<script>alert("x")</script>' });
    const html = renderHtmlReport(r);
    assert.ok(!html.includes('<script'), 'a raw <script must not appear');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'));
    // Risk reason "drawdown 3.1% > 3%" is escaped too.
    assert.ok(html.includes('drawdown 3.1% &gt; 3%'));
    assert.equal(escapeHtml(`a&b<c>"d"'e'`), 'a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;');
  });

  it('loads nothing from the network', () => {
    const html = renderHtmlReport(makeResults());
    assert.ok(!/https?:\/\//i.test(html), 'no http(s):// anywhere');
    assert.ok(!/\s(src|href)\s*=/i.test(html), 'no src= or href= attributes');
    assert.ok(!/@import|url\(/i.test(html), 'no CSS imports or url()');
    assert.ok(html.includes(`content="default-src 'none'; style-src 'unsafe-inline'"`));
  });

  it('is deterministic', () => {
    const a = renderHtmlReport(makeResults({ points: 6000, fills: 700 }));
    const b = renderHtmlReport(makeResults({ points: 6000, fills: 700 }));
    assert.equal(a, b);
    assert.equal(renderHtmlReport(structuredClone(makeResults())), renderHtmlReport(makeResults()));
  });

  it('includes the header, summary, order counts, rejects by reason and risk transitions', () => {
    const html = renderHtmlReport(makeResults());
    for (const s of ['c0ffee1234', 'deadbeef5678', 'ESH4 (USD)', '2023-12-26T00:00:00.000000000Z -&gt; 2023-12-26T05:00:00.000000000Z']) {
      assert.ok(html.includes(s), s);
    }
    const summary = section(html, 'summary');
    assert.ok(summary.includes('<td>Profit factor</td><td class="num">3.00</td>'));
    assert.ok(summary.includes('<td>Events</td><td class="num">1,234,567</td>'));
    const rejects = section(html, 'rejects-by-reason');
    assert.ok(rejects.indexOf('bad_price') < rejects.indexOf('crossed_book'), 'largest count first');
    assert.ok(rejects.includes('<td>bad_price</td><td class="num">12</td>'));
    assert.ok(section(html, 'order-counts').includes('<td>Denied (risk)</td><td class="num">3</td>'));
    assert.ok(section(html, 'denied-by-reason').includes('<td>MAX_POSITION</td><td class="num">2</td>'));
    const risk = section(html, 'risk-transitions');
    assert.ok(risk.includes('<td>2023-12-26T01:00:00.000000000Z</td><td>NORMAL</td><td>WARNING</td>'));
  });

  it('lists the first 500 fills and says when it truncates', () => {
    const few = renderHtmlReport(makeResults({ fills: 12 }));
    assert.equal((section(few, 'fills').match(/<tr>/g) ?? []).length, 1 + 12);
    assert.ok(!few.includes('Showing the first'));
    const many = renderHtmlReport(makeResults({ fills: 600 }));
    assert.equal((section(many, 'fills').match(/<tr>/g) ?? []).length, 1 + 500);
    assert.ok(many.includes('Showing the first 500 of 600 fills'));
    assert.ok(section(many, 'fills').includes('<td class="num">500</td><td>2023-12-26T00:08:19.000000000Z</td><td>SELL</td>'));
  });

  it('downsamples a long curve without hiding a one-point drawdown', () => {
    const n = 20_000;
    const dip = 12_347; // not a multiple of any small stride: a plain every-k-th-point sampler would drop it
    const r = makeResults({ points: n, dipAt: dip });
    const html = renderHtmlReport(r);
    const eq = polyline(html, 'equity-chart');
    const dd = polyline(html, 'drawdown-chart');
    assert.ok(eq.length <= 4_002 && eq.length > 2_000, `drawn ${eq.length}`);
    assert.equal(svgAttr(html, 'equity-chart', 'data-points'), String(n));
    const xDip = Math.round((80 + (dip / (n - 1)) * 864) * 10) / 10;
    // The dip is the lowest equity (bottom of the plot) and the deepest drawdown (bottom too).
    assert.ok(eq.some(([x, y]) => x === xDip && y === 252), 'equity dip drawn');
    assert.ok(dd.some(([x, y]) => x === xDip && y === 252), 'drawdown dip drawn');
    assert.ok(html.length < 400_000, `report is ${html.length} bytes`);
  });

  it('keeps a 50,000-point report small', () => {
    const html = renderHtmlReport(makeResults({ points: 50_000, fills: 2_000 }));
    assert.ok(html.length < 500_000, `report is ${html.length} bytes`);
  });

  it('renders a run without equity points or fills', () => {
    const r = makeResults({ points: 0, fills: 0 });
    const html = renderHtmlReport(r);
    assert.ok(html.includes('No equity points recorded.'));
    assert.ok(html.includes('No fills.'));
  });
});

/** The <svg id=...> element's text. */
function svg(html: string, svgId: string): string {
  const start = html.indexOf(`<svg id="${svgId}"`);
  assert.ok(start >= 0, `no svg ${svgId}`);
  return html.slice(start, html.indexOf('</svg>', start));
}

/** Marker apexes (x, y) of the <path class="marker {cls}"> in an svg. */
function markers(svgText: string, cls: string): [number, number][] {
  const m = new RegExp(`<path class="marker ${cls}" d="([^"]*)"`).exec(svgText);
  if (!m) return [];
  return [...m[1].matchAll(/M([-\d.]+),([-\d.]+)/g)].map((x) => [Number(x[1]), Number(x[2])]);
}

/** A curve of one-minute points with a closed market of `gapH` hours after point `at`. */
function gappedCurve(n: number, at: number, gapH: number): EquityPoint[] {
  const sampler = new EquitySampler(100_000, 60);
  for (let i = 0; i < n; i++) {
    const t = i * 60_000_000_000 + (i > at ? gapH * 3_600_000_000_000 : 0);
    sampler.update(t, 100_000 + i, i % 3);
  }
  return sampler.toEquityCurve(TIME_BASE_NS);
}

describe('TimeAxis', () => {
  it('is linear from the first to the last point without long stretches', () => {
    const ts = [0, 60, 120, 180];
    const axis = TimeAxis.build(ts, 0n);
    assert.equal(axis.gaps.length, 0);
    assert.deepEqual(ts.map((t) => axis.x(t)), [80, 368, 656, 944]);
    assert.equal(axis.x(-5), 80, 'clamped');
    assert.equal(axis.x(500), 944, 'clamped');
  });

  it('collapses a stretch without data longer than 5% of the run to a narrow gap, keeping time order', () => {
    // 0..59 min, then nothing for 22 h, then 60 more minutes: 2 h of data in a 24 h run
    const ts: number[] = [];
    for (let i = 0; i < 120; i++) ts.push(i * 60e9 + (i >= 60 ? 22 * 3600e9 : 0));
    const axis = TimeAxis.build(ts, 0n);
    assert.equal(axis.gaps.length, 1);
    const g = axis.gaps[0];
    assert.equal(g.x1 - g.x0, 24, 'a gap is 24 px');
    assert.equal(formatDuration(g.t1 - g.t0), '22 h 1 min');
    // the two hours of data share the rest of the 864 px in proportion to their duration (59 min each)
    assert.equal(axis.x(ts[0]), 80);
    assert.ok(Math.abs(axis.x(ts[59]) - (80 + 420)) < 1e-9);
    assert.ok(Math.abs(axis.x(ts[60]) - (80 + 420 + 24)) < 1e-9);
    assert.equal(axis.x(ts[119]), 944);
    for (let i = 1; i < ts.length; i++) assert.ok(axis.x(ts[i]) > axis.x(ts[i - 1]));
    // labels never overlap (about 120 px each) and the last one is the run's end
    const labels = axis.labels();
    assert.ok(labels.length >= 3);
    assert.equal(labels[labels.length - 1].x, 944);
    assert.equal(labels[labels.length - 1].anchor, 'end');
    for (let i = 1; i < labels.length; i++) assert.ok(labels[i].x - labels[i - 1].x >= 60, JSON.stringify(labels));
  });

  it('keeps index axes (results without epoch times) linear', () => {
    const axis = TimeAxis.build([0, 1, 2, 100], null);
    assert.equal(axis.gaps.length, 0);
    assert.equal(axis.x(100), 944);
    assert.deepEqual(axis.labels().map((l) => l.text), ['0', '25', '50', '75', '100']);
  });
});

describe('renderHtmlReport: position, price and fills, daily P&L, instruments', () => {
  it('shades a closed market on every time chart and says so', () => {
    const r = makeResults();
    r.equity_curve = gappedCurve(120, 59, 22);
    r.price_series = [makePriceSeries(r.equity_curve)];
    const html = renderHtmlReport(r);
    for (const id of ['equity-chart', 'drawdown-chart', 'position-chart', 'price-chart-1']) {
      assert.equal((svg(html, id).match(/<rect class="gap"/g) ?? []).length, 1, id);
    }
    assert.ok(html.includes('Shaded: 1 stretch without data (22 h 1 min), collapsed on the time axis of every chart.'));
    assert.ok(svg(html, 'equity-chart').includes('<title>no data for 22 h 1 min (collapsed)</title>'));
  });

  it('draws the signed position per instrument as a step line from the fills', () => {
    const r = makeResults({ fills: 12 });
    // fills alternate BUY 1, SELL 2, BUY 3, SELL 1, ... (qty 1 + i % 3): the position after each
    let pos = 0;
    const expected = r.fills.map((f) => (pos += f.side === 'BUY' ? f.qty : -f.qty));
    const pts = polyline(renderHtmlReport(r), 'position-chart');
    assert.equal(pts.length, 2 + 2 * 12, 'start, two vertices per fill, end');
    assert.equal(pts[0][0], 80);
    assert.equal(pts[pts.length - 1][0], 944);
    // the y pixel of each step equals the y of its value on a linear scale through the extremes
    const lo = Math.min(0, ...expected);
    const hi = Math.max(0, ...expected);
    const py = (v: number): number => Math.round((12 + (1 - (v - lo) / (hi - lo)) * 240) * 10) / 10;
    assert.deepEqual(
      pts.filter((_, i) => i % 2 === 0 && i > 0 && i < pts.length - 1).map((p) => p[1]),
      expected.map(py),
    );
    assert.equal(pts[0][1], py(0), 'flat before the first fill');
  });

  it('marks buys and sells at their fill price on the price chart', () => {
    const r = makeResults({ fills: 12 });
    // spread the fills over the run so they land inside the curve's time range
    r.fills = r.fills.map((f, i) => ({ ...f, t: r.equity_curve[10 + i * 20].t }));
    const html = renderHtmlReport(r);
    const price = svg(html, 'price-chart-1');
    assert.match(price, /data-buys="6" data-sells="6"/);
    const buys = markers(price, 'buys');
    const sells = markers(price, 'sells');
    assert.equal(buys.length, 6);
    assert.equal(sells.length, 6);
    // y range: band 4750..4751 and fill prices 4750.25..4751.00: the highest fill price (4751.00) sits on the top edge
    const top = Math.min(...[...buys, ...sells].map((m) => m[1]));
    assert.equal(top, 32, '12 px top margin + 20 px legend strip');
    // each marker's x is its time on the axis: fill 0 is at curve point 10 of 300 (uniform, 864 px)
    assert.equal(buys[0][0], Math.round((80 + (10 / 299) * 864) * 10) / 10);
    assert.ok(html.includes('markers: 6 buy fills (up, green) and 6 sell fills (down, red) at their fill price.'));
    assert.ok(price.includes('<polygon class="band"'), 'low-high band');
    assert.ok(polyline(html, 'price-chart-1').length === 300, 'one price point per interval');
  });

  it('lists the daily P&L and the per-instrument figures', () => {
    const html = renderHtmlReport(makeResults());
    const daily = section(html, 'daily-pnl');
    assert.ok(daily.includes('<tr><td>2023-12-26</td><td class="num">135.50</td><td class="num">10.20</td><td class="num">12</td><td class="num">5</td><td class="num">24</td><td class="num">100,135.50</td></tr>'));
    assert.ok(daily.includes('<td>2023-12-27</td><td class="num">-35.25</td>'));
    const inst = section(html, 'instruments');
    assert.ok(inst.includes('<th class="num">ESH4</th>'));
    assert.ok(inst.includes('<td>Time in market</td><td class="num">37.5%</td>'));
    assert.ok(inst.includes('<td>Avg slippage vs decision mid (ticks/fill)</td><td class="num">-0.500</td>'));
    assert.ok(inst.includes('<td>Final bid / ask</td><td class="num">4810 / 4810.25</td>'));
    const summary = section(html, 'summary');
    assert.ok(summary.includes('<td>Time in market</td><td class="num">37.5%</td>'));
    assert.ok(summary.includes('<td>Turnover (notional / avg equity)</td>'));
    const fills = section(html, 'fills');
    assert.ok(fills.includes('<td>ESH4</td><td class="num">4750.375</td><td class="num">-0.50</td>'), 'fill 0: BUY 4750.25 vs mid 4750.375');
    assert.ok(fills.includes('<td>ESH4</td><td class="num">n/a</td><td class="num">n/a</td>'), 'no decision mid');
  });

  it('still renders results.json written before these fields existed', () => {
    const r = makeResults() as Partial<BacktestResults> & Pick<BacktestResults, 'stats' | 'run' | 'data' | 'fills'>;
    delete r.instruments;
    delete r.daily_pnl;
    delete r.price_series;
    const stats: Record<string, unknown> = { ...r.stats };
    for (const k of ['annualized_return', 'calmar', 'expectancy', 'slippage_fills', 'avg_slippage_ticks', 'avg_slippage', 'slippage_cost', 'traded_notional', 'average_equity', 'turnover', 'time_in_market', 'max_position_lots', 'max_gross_position_lots']) delete stats[k];
    const data: Record<string, unknown> = { ...r.data };
    for (const k of ['events_by_instrument', 'unknown_order_events', 'duplicate_add_events', 'book_snapshots', 'book_snapshot_resets']) delete data[k];
    const run: Record<string, unknown> = { ...r.run };
    delete run.trading_day_start_utc;
    const fills = r.fills.map(({ t, side, price, qty, liquidity, fee }) => ({ t, side, price, qty, liquidity, fee }));
    const old = JSON.parse(JSON.stringify({ ...r, stats, data, run, fills })) as BacktestResults;
    const html = renderHtmlReport(old);
    assert.ok(html.includes('<td>Calmar (ann. return / max DD)</td><td class="num">n/a</td>'));
    assert.ok(html.includes('No price series in these results.'));
    assert.ok(html.includes('No daily rows in these results.'));
    assert.equal(polyline(html, 'position-chart').length, 2 + 2 * 12, 'the position still comes from the fills');
    assert.ok(!html.includes('undefined'), 'no "undefined" printed anywhere');
    assert.ok(!html.includes('NaN'));
  });
});

describe('downsampleMinMax', () => {
  it('keeps everything up to the limit', () => {
    assert.deepEqual(downsampleMinMax([3, 1, 2], 5, 2), [0, 1, 2]);
  });

  it('keeps the min and max of each bucket, in order, plus both ends', () => {
    // 10 points, 2 buckets of 5: [5,9,1,4,6] -> min i=2, max i=1; [7,0,8,3,2] -> min i=6, max i=7.
    const ys = [5, 9, 1, 4, 6, 7, 0, 8, 3, 2];
    assert.deepEqual(downsampleMinMax(ys, 4, 2), [0, 1, 2, 6, 7, 9]);
  });
});

describe('writeReport', () => {
  it('writes results.json and report.html, byte-identical for identical results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-report-'));
    try {
      const r = makeResults();
      const paths = writeReport(join(dir, 'run'), r);
      assert.equal(paths.jsonPath, join(dir, 'run', 'results.json'));
      assert.equal(paths.htmlPath, join(dir, 'run', 'report.html'));
      const json1 = readFileSync(paths.jsonPath);
      const html1 = readFileSync(paths.htmlPath);
      assert.equal(json1.toString('utf8'), `${JSON.stringify(r, null, 2)}\n`);
      assert.deepEqual(JSON.parse(json1.toString('utf8')), r);
      assert.equal(html1.toString('utf8'), renderHtmlReport(r));
      writeReport(join(dir, 'run'), makeResults());
      assert.ok(readFileSync(paths.jsonPath).equals(json1));
      assert.ok(readFileSync(paths.htmlPath).equals(html1));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
