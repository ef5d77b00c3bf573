/**
 * The run summary as a fixed-width text table for the terminal (plain ASCII, no colours):
 *
 *   +------------------+--------------------------+
 *   | Bulwark backtest v0.1.0                      |
 *   +------------------+--------------------------+
 *   | Run                                          |
 *   | Strategy         | market-maker             |
 *   | Events           |                1,234,567 |
 *   ...
 *
 * Text values are left-aligned, numbers right-aligned on the widest number. Control characters in names (e.g. an
 * ANSI escape in a strategy name) are replaced with "?" so the table cannot drive the terminal.
 */
import type { BacktestResults } from './BacktestResults.ts';
import { summarySections } from './format.ts';

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function formatSummaryTable(results: BacktestResults): string {
  const sections = summarySections(results).map((sec) => ({
    title: printable(sec.title),
    rows: sec.rows.map((r) => ({ label: printable(r.label), value: printable(r.value), numeric: r.numeric })),
  }));
  const title = printable(`Bulwark backtest v${results.bulwark_version}`);

  let labelW = 0;
  let valueW = 0;
  let numW = 0;
  for (const sec of sections) {
    for (const r of sec.rows) {
      labelW = Math.max(labelW, r.label.length);
      valueW = Math.max(valueW, r.value.length);
      if (r.numeric) numW = Math.max(numW, r.value.length);
    }
  }
  // The full-width lines (title, section titles) span both columns plus the " | " between them.
  const fullW = Math.max(labelW + 3 + valueW, title.length, ...sections.map((s) => s.title.length));
  valueW = fullW - 3 - labelW;

  const rule = `+${'-'.repeat(labelW + 2)}+${'-'.repeat(valueW + 2)}+`;
  const full = (s: string): string => `| ${s.padEnd(fullW)} |`;
  const lines: string[] = [rule, full(title), rule];
  sections.forEach((sec, i) => {
    if (i > 0) lines.push(rule);
    lines.push(full(`${sec.title}`));
    for (const r of sec.rows) {
      // Numbers are right-aligned on the widest number, so the digits line up under each other.
      const value = (r.numeric ? r.value.padStart(numW) : r.value).padEnd(valueW);
      lines.push(`| ${r.label.padEnd(labelW)} | ${value} |`);
    }
  });
  lines.push(rule);
  return `${lines.join('\n')}\n`;
}
