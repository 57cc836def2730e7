/** The terminal rendering of a run comparison (plain text, no colour). */
import type { RunComparison, ScoreDelta } from './compare.js';
import { fmt1, humanize } from './format.js';

function score(v: number | null): string {
  return v === null ? 'n/a' : fmt1(v);
}

function signed(v: number | null): string {
  if (v === null) return 'n/a';
  return v > 0 ? `+${fmt1(v)}` : fmt1(v);
}

function verdict(d: ScoreDelta): string {
  if (d.delta === null || d.ci95 === null) return '';
  if (!d.significant) return 'not significant';
  return d.delta > 0 ? 'significant gain' : d.delta < 0 ? 'significant drop' : 'significant';
}

function row(label: string, d: ScoreDelta): string[] {
  return [label, score(d.a), score(d.b), signed(d.delta), d.ci95 ? `[${signed(d.ci95[0])}, ${signed(d.ci95[1])}]` : '', `${d.nA}/${d.nB}`, verdict(d)];
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** A readable comparison: one table per model, then the changed verdicts shown. */
export function comparisonText(cmp: RunComparison): string {
  const out: string[] = [];
  out.push(`A: ${cmp.runA.id} (${cmp.runA.createdAt}, judge ${cmp.runA.judge}, seed ${cmp.runA.seed})`);
  out.push(`B: ${cmp.runB.id} (${cmp.runB.createdAt}, judge ${cmp.runB.judge}, seed ${cmp.runB.seed})`);
  out.push(`Deltas are B - A in points (0-100). ${cmp.method}.`);
  for (const n of cmp.notes ?? []) out.push(`Note: ${n}.`);
  if (cmp.onlyInA.length) out.push(`Only in A (not compared): ${cmp.onlyInA.join(', ')}`);
  if (cmp.onlyInB.length) out.push(`Only in B (not compared): ${cmp.onlyInB.join(', ')}`);
  if (cmp.models.length === 0) out.push('\nNo model is in both runs: nothing to compare.');
  for (const m of cmp.models) {
    out.push('', m.model);
    const rows: string[][] = [['', 'A', 'B', 'delta', '95% CI of delta', 'n A/B', '']];
    rows.push(row('overall', m.overall));
    for (const [dim, d] of Object.entries(m.dimensions)) {
      rows.push(row(humanize(dim), d));
      for (const [sub, s] of Object.entries(d.subdimensions)) rows.push(row(`  ${sub}`, s));
    }
    out.push(table(rows));
  }
  const c = cmp.changed;
  out.push('', `Changed verdicts: ${c.total} case${c.total === 1 ? '' : 's'} judged differently in B${c.total ? ` (showing ${c.items.length ? `${c.offset + 1}-${c.offset + c.items.length}` : 'none'})` : ''}`);
  for (const v of c.items) {
    const tags = Object.entries(v.tags).map(([k, x]) => `${k}=${x}`).join(' ');
    out.push(`  ${v.caseId}  ${v.model}  ${v.dimension}/${v.subdimension}${tags ? ` [${tags}]` : ''}: ${v.a.label} (${v.a.score ?? '-'}) -> ${v.b.label} (${v.b.score ?? '-'})`);
  }
  if (c.offset + c.items.length < c.total) out.push(`  ... ${c.total - c.offset - c.items.length} more (use --offset ${c.offset + c.items.length} or --json)`);
  return out.join('\n');
}
