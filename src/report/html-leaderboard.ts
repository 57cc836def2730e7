/** The leaderboard section: the run's models placed among the published TrustGen scores. */
import { escapeHtml as e } from '../util/escape.js';
import { fmtScore, humanize } from './format.js';
import { section } from './html-layout.js';
import { OVERALL, placeModel, rowsByOverall, type Leaderboard, type Placement } from './leaderboard.js';
import { dimScore, dimensionsOf } from './report-data.js';
import type { ResultsDoc } from './types.js';

interface TableEntry {
  kind: 'published' | 'you';
  model: string;
  scores: Record<string, number | null>;
  publishedRank?: number;
  placement?: Placement;
}

export function renderLeaderboard(doc: ResultsDoc, models: string[], lb: Leaderboard): string {
  const published = rowsByOverall(lb);
  const yours = models.map((m) => {
    const scores: Record<string, number | null> = { ...(doc.scores?.[m] ?? {}) };
    for (const d of dimensionsOf(doc, m)) scores[d] = dimScore(doc, m, d);
    return { model: m, scores, placement: placeModel(lb, scores) };
  });
  // Insert each of the user's models before the first published row it beats (ties: above), by overall rank.
  const entries: TableEntry[] = [];
  const placed = (i: number) =>
    yours
      .filter((y) => y.placement.ranks[OVERALL] && y.placement.ranks[OVERALL].rank - 1 === i)
      .sort((a, b) => b.placement.ranks[OVERALL].score - a.placement.ranks[OVERALL].score);
  published.forEach((row, i) => {
    for (const y of placed(i)) entries.push({ kind: 'you', ...y });
    entries.push({ kind: 'published', model: row.model, scores: row.scores, publishedRank: i + 1 });
  });
  for (const y of yours) {
    const r = y.placement.ranks[OVERALL];
    if (!r || r.rank - 1 >= published.length) entries.push({ kind: 'you', ...y });
  }

  const cols = [...lb.dimensions, OVERALL];
  const parts: string[] = [];
  parts.push(
    `<p class="small">Source: <strong>${e(lb.source.name)}</strong>, from ${e(lb.source.citation)}. ` +
      `Published scores (0–1) shown as 0–100; ${lb.kind.toUpperCase()} table, ${lb.rows.length} models. ` +
      `Your model${yours.length === 1 ? '' : 's'} (highlighted) ${yours.length === 1 ? 'is' : 'are'} inserted at the overall rank ${yours.length === 1 ? 'it' : 'they'} would take; ` +
      `each cell in a highlighted row shows the rank that dimension would take among the published models. Dimensions not run show “—”.</p>`,
  );
  parts.push('<table class="leaderboard"><thead><tr><th class="num">#</th><th>Model</th>');
  for (const c of cols) {
    const u = lb.unreliable[c];
    const label = lb.labels[c] ?? humanize(c);
    parts.push(
      u
        ? `<th class="num unrel" title="${e(u.reason)}">${e(label)} <span class="flag">⚠ unreliable at source</span></th>`
        : `<th class="num">${e(label)}</th>`,
    );
  }
  parts.push('</tr></thead><tbody>');
  for (const en of entries) {
    if (en.kind === 'published') {
      parts.push(`<tr><td class="num">${en.publishedRank}</td><td>${e(en.model)}</td>`);
      for (const c of cols) {
        const v = en.scores[c] ?? null;
        const unrel = lb.unreliable[c]?.rows.includes(en.model);
        parts.push(
          unrel
            ? `<td class="num unrel" title="equals Fairness: an error in the published table">${fmtScore(v)}</td>`
            : c === OVERALL
              ? `<td class="num"><strong>${fmtScore(v)}</strong></td>`
              : `<td class="num">${fmtScore(v)}</td>`,
        );
      }
    } else {
      const pl = en.placement as Placement;
      const or = pl.ranks[OVERALL];
      parts.push(`<tr class="you"><td class="num">${or ? `→ ${or.rank}` : '—'}</td><td>${e(en.model)} <span class="small muted">(this run)</span></td>`);
      for (const c of cols) {
        const r = pl.ranks[c];
        if (!r) {
          parts.push(`<td class="num muted" title="not run">—</td>`);
          continue;
        }
        const note = c === OVERALL && !pl.overallComparable ? '*' : '';
        parts.push(
          `<td class="num${r.unreliable ? ' unrel' : ''}" title="rank ${r.rank} of ${r.of}${r.unreliable ? ' in a column unreliable at source' : ''}">${fmtScore(r.score)}${note} <span class="small muted">#${r.rank}</span></td>`,
        );
      }
    }
    parts.push('</tr>');
  }
  parts.push('</tbody></table>');
  const notes: string[] = [];
  for (const u of Object.values(lb.unreliable)) {
    notes.push(`<strong>${e(lb.labels[u.dimension] ?? humanize(u.dimension))}</strong> is ${e(u.reason)}; do not read that column, or a rank in it, as fact.`);
  }
  const partial = yours.filter((y) => y.placement.ranks[OVERALL] && !y.placement.overallComparable);
  if (partial.length > 0) {
    notes.push(
      `* Overall averages a different set of dimensions than the published “${e(lb.labels[OVERALL] ?? 'Avg.')}” ` +
        partial
          .map((y) => {
            const bits = [];
            if (y.placement.missing.length) bits.push(`not run: ${y.placement.missing.map((d) => e(humanize(d))).join(', ')}`);
            if (y.placement.extra.length) bits.push(`not in the table: ${y.placement.extra.map((d) => e(humanize(d))).join(', ')}`);
            return `(${e(y.model)}: ${bits.join('; ')})`;
          })
          .join(' ') +
        `, so its overall rank is only indicative.`,
    );
  }
  if (notes.length) parts.push(`<ul class="small muted">${notes.map((n) => `<li>${n}</li>`).join('')}</ul>`);
  return section('leaderboard', 'Published TrustGen leaderboard', parts.join('\n'));
}
