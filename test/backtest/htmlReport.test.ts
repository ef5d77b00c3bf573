import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { downsampleMinMax, escapeHtml, renderHtmlReport, writeReport } from '../../src/backtest/HtmlReport.ts';
import { makeResults } from './fixtures.ts';

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
