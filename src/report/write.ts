import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderReportHtml } from './html.js';
import type { ResultsDoc } from './types.js';

/** Write a file atomically (temp file + rename) so a crash never leaves half a report. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Write results.json and report.html into `dir`. Returns their paths. */
export function writeOutputs(dir: string, doc: ResultsDoc): { json: string; html: string } {
  const out = resolve(dir);
  mkdirSync(out, { recursive: true });
  const json = join(out, 'results.json');
  const html = join(out, 'report.html');
  writeAtomic(json, `${JSON.stringify(doc, null, 2)}\n`);
  writeAtomic(html, renderReportHtml(doc));
  return { json, html };
}

/** A plain-text score table for the terminal. */
export function scoreTable(doc: ResultsDoc): string {
  const dims = [...doc.meta.dimensions, 'overall'];
  const fmt = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(1));
  const rows = Object.entries(doc.scores).map(([model, s]) => [model, ...dims.map((d) => fmt(s[d]))]);
  const header = ['model', ...dims];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
