/**
 * The HTML report: one self-contained file that opens offline.
 * No external URLs, scripts or fonts; inline CSS; no JavaScript at all (a Content-Security-Policy forbids it),
 * so the page is fully readable with scripts off. Every string from the results document goes through escapeHtml.
 */
import { escapeHtml as e } from '../util/escape.js';
import type { DimensionResult, FailureExample, MetricResult, ResultsDoc, SubdimensionResult } from './types.js';
import { BAND_LABELS, band, fmt1, fmtDuration, fmtInt, fmtScore, humanize, sortDimensions } from './format.js';
import {
  LEADERBOARD_KINDS,
  OVERALL,
  loadLeaderboard,
  placeModel,
  rowsByOverall,
  type Leaderboard,
  type LeaderboardKind,
  type Placement,
} from './leaderboard.js';
import { barWithCi, radarSvg } from './svg.js';

export interface ReportOptions {
  /**
   * The published leaderboard to place the models in: a loaded Leaderboard, a kind to load,
   * or null to leave the section out. Default: doc.meta.kind when present, else 'llm'.
   */
  leaderboard?: Leaderboard | LeaderboardKind | null;
  /** Most failures shown per model (default 100); the rest stay in results.json. */
  maxFailuresPerModel?: number;
}

/** Radar polygon colours, one per model (cycled). */
const MODEL_COLORS = ['#1565c0', '#8e24aa', '#00838f', '#ef6c00', '#5d4037', '#c2185b'];

/** Radar only from this many scored dimensions; fewer get bars. */
export const RADAR_MIN_AXES = 3;

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--accent:#1565c0;
--high:#1b5e20;--good:#33691e;--fair:#8a5a00;--low:#b71c1c;--na:#6e7781;
--high-bg:#e8f5e9;--good-bg:#f1f8e9;--fair-bg:#fff8e1;--low-bg:#fdecea;--na-bg:#f0f1f3}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1120px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:17px;margin:24px 0 8px}h4{font-size:15px;margin:18px 0 6px}h5{font-size:13px;margin:10px 0 4px;color:var(--muted);font-weight:600}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:13px}
.muted{color:var(--muted)}.small{font-size:13px}
.runid{color:var(--muted);margin:0}
nav.toc{margin:14px 0 0;font-size:14px}nav.toc a{margin-right:14px;color:var(--accent);text-decoration:none}
.banner{margin:14px 0;padding:10px 14px;border-radius:6px;border:1px solid}
.banner.warn{background:var(--fair-bg);border-color:#f0c36d}.banner.bad{background:var(--low-bg);border-color:#f2a39b}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:middle}
th{font-size:13px;color:var(--muted);font-weight:600;background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.chip{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.band-high{color:var(--high)}.band-good{color:var(--good)}.band-fair{color:var(--fair)}.band-low{color:var(--low)}.band-na{color:var(--na)}
.chip.band-high,td.cell.band-high{background:var(--high-bg)}.chip.band-good,td.cell.band-good{background:var(--good-bg)}
.chip.band-fair,td.cell.band-fair{background:var(--fair-bg)}.chip.band-low,td.cell.band-low{background:var(--low-bg)}
.chip.band-na,td.cell.band-na{background:var(--na-bg)}
.legend{font-size:12px;color:var(--muted)}.legend .chip{margin-right:4px}
.models{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:18px}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;break-inside:avoid;page-break-inside:avoid}
.card h3{margin:0 0 8px;word-break:break-word}
.overall{display:flex;align-items:baseline;gap:10px;margin-bottom:8px}
.big{font-size:44px;font-weight:700;line-height:1;font-variant-numeric:tabular-nums}
.tiles{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0 10px}
.tile{border:1px solid var(--line);border-left-width:5px;border-radius:6px;padding:4px 10px;min-width:104px}
.tile.band-high{border-left-color:#2e7d32}.tile.band-good{border-left-color:#689f38}.tile.band-fair{border-left-color:#f9a825}
.tile.band-low{border-left-color:#d84315}.tile.band-na{border-left-color:#bdbdbd}
.tile .name{font-size:12px;color:var(--muted)}.tile .val{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}
.tile .meta{font-size:11px;color:var(--muted)}
.chart{text-align:center}.chart svg{max-width:100%;height:auto}
.dimbars td{border:none;padding:2px 6px}
.sub td svg{display:block}
.err{color:var(--low);font-weight:600}
.facets{display:grid;grid-template-columns:repeat(auto-fill,minmax(470px,1fr));gap:4px 24px;margin:2px 0 8px 12px}
ul.barlist{list-style:none;margin:0;padding:0}
ul.barlist li{display:grid;grid-template-columns:minmax(150px,260px) 130px 48px auto;gap:8px;align-items:center;font-size:13px;padding:1px 0;overflow-wrap:anywhere}
ul.barlist .lbl{overflow-wrap:anywhere}ul.barlist .v{text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
tr.you td{background:#e3f2fd;font-weight:600}tr.you td:first-child{box-shadow:inset 4px 0 0 var(--accent)}
td.unrel,th.unrel{color:var(--na);font-style:italic}
.flag{font-size:11px;font-weight:600;color:var(--fair);font-style:normal;display:block}
details.failure{border:1px solid var(--line);border-radius:6px;margin:6px 0;padding:0 12px}
details.failure[open]{padding-bottom:10px}
details.failure summary{cursor:pointer;padding:7px 0;list-style-position:outside}
details.failure summary .where{font-weight:600}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:8px 10px;margin:4px 0 8px;max-height:420px;overflow:auto}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:6px 0}
dl.kv dt{color:var(--muted);font-size:13px}dl.kv dd{margin:0;overflow-wrap:anywhere}
.tag{display:inline-block;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 6px;margin:0 4px 2px 0;font-size:12px}
.chain{font-size:13px}
footer{margin-top:40px;font-size:12px;color:var(--muted)}
@media (max-width:560px){.models{grid-template-columns:1fr}ul.barlist li{grid-template-columns:1fr 110px 44px}ul.barlist .n{display:none}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}nav.toc{display:none}h2{break-after:avoid}
.card,table,details{break-inside:avoid}pre{max-height:none;overflow:visible}
details::details-content{content-visibility:visible;display:block}
a{color:inherit;text-decoration:none}}
`;

/** Render the whole report. Pure: reads only the leaderboard CSV (when asked to load one). */
export function renderReportHtml(doc: ResultsDoc, options: ReportOptions = {}): string {
  const models = modelList(doc);
  const allDims = sortDimensions(models.flatMap((m) => dimensionsOf(doc, m)));
  const lb = resolveLeaderboard(doc, options.leaderboard);

  const body: string[] = [];
  body.push(renderHeader(doc, models));
  body.push(renderSummary(doc, models, allDims));
  models.forEach((m, i) => body.push(renderModelDetails(doc, m, i)));
  if (lb.leaderboard) body.push(renderLeaderboard(doc, models, lb.leaderboard));
  else if (lb.error) body.push(section('leaderboard', 'Published TrustGen leaderboard', `<p class="muted">Not available: ${e(lb.error)}</p>`));
  body.push(renderFailures(doc, models, options.maxFailuresPerModel ?? 100));
  body.push(renderMeta(doc));
  body.push(
    `<footer>Generated by trustgen ${e(doc.meta.trustgenVersion)} from results.json. This file is self-contained: ` +
      `no scripts, fonts or external resources. Scores are 0–100, higher is more trustworthy; ` +
      `intervals are 95% Wilson intervals; model-call errors are counted separately and never scored.</footer>`,
  );

  return (
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">\n` +
    `<meta name="generator" content="trustgen ${e(doc.meta.trustgenVersion)}">\n` +
    `<title>trustgen report · ${e(doc.runId)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<main>\n` +
    body.join('\n') +
    `\n</main>\n</body>\n</html>\n`
  );
}

// ---------------------------------------------------------------------------------------------------------------------
// Data helpers

function modelList(doc: ResultsDoc): string[] {
  const seen = new Set<string>(doc.meta.models ?? []);
  for (const k of Object.keys(doc.scores ?? {})) seen.add(k);
  for (const k of Object.keys(doc.details ?? {})) seen.add(k);
  return [...seen];
}

function dimensionsOf(doc: ResultsDoc, model: string): string[] {
  const ids = new Set<string>(doc.meta.dimensions ?? []);
  for (const k of Object.keys(doc.scores?.[model] ?? {})) if (k !== OVERALL) ids.add(k);
  for (const k of Object.keys(doc.details?.[model] ?? {})) ids.add(k);
  return sortDimensions(ids);
}

function dimScore(doc: ResultsDoc, model: string, dim: string): number | null {
  const s = doc.scores?.[model]?.[dim];
  if (typeof s === 'number' && Number.isFinite(s)) return s;
  const d = doc.details?.[model]?.[dim]?.score;
  return typeof d === 'number' && Number.isFinite(d) ? d : null;
}

function overallOf(doc: ResultsDoc, model: string): number | null {
  const s = doc.scores?.[model]?.[OVERALL];
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
}

function resolveLeaderboard(
  doc: ResultsDoc,
  opt: ReportOptions['leaderboard'],
): { leaderboard: Leaderboard | null; error?: string } {
  if (opt === null) return { leaderboard: null };
  if (opt && typeof opt === 'object') return { leaderboard: opt };
  const metaKind = (doc.meta as { kind?: unknown }).kind;
  const kind: LeaderboardKind =
    opt ?? (typeof metaKind === 'string' && (LEADERBOARD_KINDS as readonly string[]).includes(metaKind) ? (metaKind as LeaderboardKind) : 'llm');
  try {
    return { leaderboard: loadLeaderboard(kind) };
  } catch (err) {
    return { leaderboard: null, error: err instanceof Error ? err.message : String(err) };
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Small HTML pieces

function section(id: string, title: string, inner: string): string {
  return `<section id="${id}">\n<h2>${title}</h2>\n${inner}\n</section>`;
}

/** A score as a coloured chip: '72.3' or 'n/a'. */
function chip(v: number | null): string {
  return `<span class="chip band-${band(v)}">${fmtScore(v)}</span>`;
}

function ciText(ci: [number, number] | null): string {
  return ci ? `${fmt1(ci[0])}–${fmt1(ci[1])}` : '—';
}

function countsText(n: number, errors: number): string {
  return `n=${fmtInt(n)}${errors > 0 ? ` · <span class="err">${fmtInt(errors)} error${errors === 1 ? '' : 's'}</span>` : ''}`;
}

function legend(): string {
  const bands = (['high', 'good', 'fair', 'low', 'na'] as const).map((b) => `<span class="chip band-${b}">${e(BAND_LABELS[b])}</span>`).join('');
  return `<p class="legend">Bands: ${bands}</p>`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Sections

function renderHeader(doc: ResultsDoc, models: string[]): string {
  const parts: string[] = [];
  parts.push(`<header>\n<h1>trustgen report</h1>`);
  parts.push(`<p class="runid">Run <code>${e(doc.runId)}</code> · ${e(doc.status)} · ${e(doc.meta.startedAt)}</p>`);
  parts.push(
    `<p class="small muted">${models.length} model${models.length === 1 ? '' : 's'}: ${models.map((m) => `<strong>${e(m)}</strong>`).join(', ')} · judge <code>${e(doc.meta.judge)}</code></p>`,
  );
  if (doc.status === 'complete_with_errors') {
    parts.push(
      `<div class="banner warn">Some model calls failed (${fmtInt(doc.meta.calls?.errors ?? 0)}). Failed calls are left out of every score and counted as errors beside it.</div>`,
    );
  } else if (doc.status === 'interrupted') {
    parts.push(`<div class="banner bad">This run was interrupted: scores cover only the cases finished before it stopped. Resume the run to complete them.</div>`);
  }
  const toc = [
    ['summary', 'Summary'],
    ...models.map((_, i) => [`model-${i}`, `Details: model ${i + 1}`]),
    ['leaderboard', 'Leaderboard'],
    ['failures', 'Failures'],
    ['run', 'Run'],
  ];
  parts.push(`<nav class="toc">${toc.map(([id, t]) => `<a href="#${id}">${t}</a>`).join('')}</nav>\n</header>`);
  return parts.join('\n');
}

function renderSummary(doc: ResultsDoc, models: string[], allDims: string[]): string {
  const parts: string[] = [];
  // Comparison table: models × dimensions.
  parts.push('<table class="scores"><thead><tr><th>Model</th>');
  for (const d of allDims) parts.push(`<th class="num">${e(humanize(d))}</th>`);
  parts.push('<th class="num">Overall</th></tr></thead><tbody>');
  for (const m of models) {
    parts.push(`<tr><td>${e(m)}</td>`);
    for (const d of allDims) {
      const v = dimScore(doc, m, d);
      parts.push(`<td class="num cell band-${band(v)}">${fmtScore(v)}</td>`);
    }
    const o = overallOf(doc, m);
    parts.push(`<td class="num cell band-${band(o)}"><strong>${fmtScore(o)}</strong></td></tr>`);
  }
  parts.push('</tbody></table>');
  parts.push(legend());

  // One card per model: big overall, per-dimension tiles, radar or bars.
  parts.push('<div class="models">');
  models.forEach((m, i) => parts.push(renderModelCard(doc, m, i)));
  parts.push('</div>');
  return section('summary', 'Summary', parts.join('\n'));
}

function renderModelCard(doc: ResultsDoc, model: string, index: number): string {
  const dims = dimensionsOf(doc, model);
  const o = overallOf(doc, model);
  const parts: string[] = [`<div class="card model-card">`, `<h3>${e(model)}</h3>`];
  parts.push(
    `<div class="overall"><span class="big band-${band(o)}">${fmtScore(o)}</span><span class="muted">overall · ${dims.filter((d) => dimScore(doc, model, d) !== null).length} of ${dims.length} dimensions scored</span></div>`,
  );
  parts.push('<div class="tiles">');
  for (const d of dims) {
    const v = dimScore(doc, model, d);
    const det = doc.details?.[model]?.[d];
    parts.push(
      `<div class="tile band-${band(v)}"><div class="name">${e(humanize(d))}</div><div class="val band-${band(v)}">${fmtScore(v)}</div>` +
        (det ? `<div class="meta">${countsText(det.n, det.errors)}</div>` : '') +
        `</div>`,
    );
  }
  parts.push('</div>');

  const scored = dims.filter((d) => dimScore(doc, model, d) !== null);
  const unscored = dims.filter((d) => dimScore(doc, model, d) === null);
  if (scored.length >= RADAR_MIN_AXES) {
    parts.push(
      `<div class="chart">${radarSvg(
        scored.map((d) => ({ label: humanize(d), value: dimScore(doc, model, d) })),
        { title: `${model}: dimension scores (0–100)`, color: MODEL_COLORS[index % MODEL_COLORS.length] },
      )}</div>`,
    );
    if (unscored.length > 0) parts.push(`<p class="small muted">Not on the chart (no score): ${unscored.map((d) => e(humanize(d))).join(', ')}.</p>`);
  } else if (dims.length > 0) {
    parts.push('<table class="dimbars"><tbody>');
    for (const d of dims) {
      const v = dimScore(doc, model, d);
      parts.push(`<tr><td>${e(humanize(d))}</td><td>${barWithCi(v, null, { label: `${model} ${humanize(d)}`, width: 220 })}</td><td class="num">${chip(v)}</td></tr>`);
    }
    parts.push('</tbody></table>');
  } else {
    parts.push('<p class="muted">No dimension was scored for this model.</p>');
  }
  parts.push('</div>');
  return parts.join('\n');
}

function renderModelDetails(doc: ResultsDoc, model: string, index: number): string {
  const dims = dimensionsOf(doc, model);
  const parts: string[] = [`<section id="model-${index}">`, `<h2>Details: ${e(model)}</h2>`];
  dims.forEach((d, j) => {
    const det: DimensionResult | undefined = doc.details?.[model]?.[d];
    const v = dimScore(doc, model, d);
    parts.push(`<h3 id="model-${index}-dim-${j}">${e(humanize(d))} ${chip(v)}${det ? ` <span class="small muted">${countsText(det.n, det.errors)}</span>` : ''}</h3>`);
    const subs = det ? Object.entries(det.subdimensions ?? {}) : [];
    if (subs.length === 0) {
      parts.push('<p class="muted small">No sub-dimension results.</p>');
      return;
    }
    parts.push(
      '<table class="sub"><thead><tr><th>Sub-dimension</th><th>Score with 95% CI</th><th class="num">Score</th><th class="num">95% CI</th><th class="num">n</th><th class="num">Errors</th><th>Metric</th></tr></thead><tbody>',
    );
    for (const [sid, sub] of subs) {
      parts.push(
        `<tr><td title="${e(sid)}">${e(humanize(sid))}</td><td>${barWithCi(sub.value, sub.ci95, { label: `${humanize(sid)}`, width: 200 })}</td>` +
          `<td class="num">${chip(sub.value)}</td><td class="num">${ciText(sub.ci95)}</td><td class="num">${fmtInt(sub.n)}</td>` +
          `<td class="num${sub.errors > 0 ? ' err' : ''}">${fmtInt(sub.errors)}</td><td class="small">${e(sub.metric)}</td></tr>`,
      );
    }
    parts.push('</tbody></table>');
    for (const [sid, sub] of subs) {
      const facets = renderBreakdowns(sid, sub);
      if (facets) parts.push(facets);
    }
  });
  parts.push('</section>');
  return parts.join('\n');
}

function byWorstFirst(a: [string, MetricResult], b: [string, MetricResult]): number {
  const av = a[1].value;
  const bv = b[1].value;
  if (av === null && bv === null) return a[0].localeCompare(b[0]);
  if (av === null) return 1;
  if (bv === null) return -1;
  return av - bv || a[0].localeCompare(b[0]);
}

function renderBreakdowns(sid: string, sub: SubdimensionResult): string {
  const facets = Object.entries(sub.breakdown ?? {}).filter(([, items]) => Object.keys(items ?? {}).length > 0);
  if (facets.length === 0) return '';
  const parts: string[] = [`<h4>${e(humanize(sid))}: breakdown <span class="small muted">(worst first)</span></h4>`, '<div class="facets">'];
  for (const [facet, items] of facets) {
    parts.push(`<div class="facet"><h5>By ${e(humanize(facet).toLowerCase())}</h5><ul class="barlist">`);
    for (const [key, r] of Object.entries(items).sort(byWorstFirst)) {
      parts.push(
        `<li><span class="lbl">${e(key)}</span>${barWithCi(r.value, r.ci95, { label: key, width: 130, height: 12 })}` +
          `<span class="v band-${band(r.value)}">${fmtScore(r.value)}</span><span class="n small muted">${countsText(r.n, r.errors)}</span></li>`,
      );
    }
    parts.push('</ul></div>');
  }
  parts.push('</div>');
  return parts.join('\n');
}

interface TableEntry {
  kind: 'published' | 'you';
  model: string;
  scores: Record<string, number | null>;
  publishedRank?: number;
  placement?: Placement;
}

function renderLeaderboard(doc: ResultsDoc, models: string[], lb: Leaderboard): string {
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

function renderFailure(f: FailureExample): string {
  const tags = Object.entries(f.tags ?? {});
  const summaryTags = tags.map(([k, v]) => `<span class="tag">${e(k)}: ${e(v)}</span>`).join('');
  return (
    `<details class="failure"><summary><span class="where">${e(humanize(f.dimension))} › ${e(humanize(f.subdimension))}</span> ` +
    `<span class="chip band-low">${e(f.label)}</span> ${summaryTags}</summary>\n` +
    `<dl class="kv">` +
    `<dt>Dimension</dt><dd>${e(f.dimension)}</dd>` +
    `<dt>Sub-dimension</dt><dd>${e(f.subdimension)}</dd>` +
    `<dt>Tags</dt><dd>${summaryTags || '<span class="muted">none</span>'}</dd>` +
    `<dt>Variation chain</dt><dd class="chain">${(f.variations ?? []).length ? (f.variations ?? []).map((v) => `<code>${e(v)}</code>`).join(' → ') : '<span class="muted">none (original case)</span>'}</dd>` +
    `<dt>Finish reason</dt><dd><code>${e(f.finishReason)}</code></dd>` +
    `<dt>Judge label</dt><dd><strong>${e(f.label)}</strong></dd>` +
    `<dt>Judge reason</dt><dd>${e(f.reason)}</dd>` +
    `<dt>Case</dt><dd><code>${e(f.caseId)}</code></dd>` +
    `</dl>\n<h5>Prompt</h5><pre>${e(f.prompt)}</pre>\n<h5>Response</h5><pre>${e(f.response)}</pre>\n</details>`
  );
}

function renderFailures(doc: ResultsDoc, models: string[], max: number): string {
  const parts: string[] = [
    `<p class="small muted">The worst failures per model, as recorded in results.json. Click a row to open it. Prompts and responses are shown as plain text.</p>`,
  ];
  const keys = [...new Set([...models, ...Object.keys(doc.failures ?? {})])];
  let any = false;
  for (const m of keys) {
    const list = doc.failures?.[m] ?? [];
    if (list.length === 0) continue;
    any = true;
    parts.push(`<h3>${e(m)} <span class="small muted">(${fmtInt(list.length)})</span></h3>`);
    for (const f of list.slice(0, Math.max(0, max))) parts.push(renderFailure(f));
    if (list.length > max) parts.push(`<p class="small muted">${fmtInt(list.length - max)} more in results.json.</p>`);
  }
  if (!any) parts.push('<p class="muted">No failures recorded.</p>');
  return section('failures', 'Worst failures', parts.join('\n'));
}

function renderMeta(doc: ResultsDoc): string {
  const m = doc.meta;
  const calls = m.calls ?? { total: 0, cached: 0, errors: 0, policyBlocks: 0 };
  const tokens = m.tokens ?? { input: 0, output: 0 };
  const pct = (a: number, b: number) => (b > 0 ? ` (${fmt1((100 * a) / b)}%)` : '');
  const rows: [string, string][] = [
    ['Run id', `<code>${e(doc.runId)}</code>`],
    ['Status', e(doc.status)],
    ['Models', (m.models ?? []).map((x) => `<code>${e(x)}</code>`).join(', ') || '—'],
    ['Dimensions', (m.dimensions ?? []).map((x) => e(x)).join(', ') || '—'],
    ['Judge', `<code>${e(m.judge)}</code>`],
    ['Generator', m.generator ? `<code>${e(m.generator)}</code>` : '<span class="muted">none (templates only)</span>'],
    ['Seed', e(m.seed)],
    ['Limit', m.limit === null || m.limit === undefined ? '<span class="muted">none</span>' : e(m.limit)],
    ['trustgen', e(m.trustgenVersion)],
    ['Node.js', e(m.nodeVersion)],
    ['Started', e(m.startedAt)],
    ['Finished', e(m.finishedAt)],
    ['Duration', fmtDuration(m.durationMs)],
    [
      'Model calls',
      `${fmtInt(calls.total)} total · ${fmtInt(calls.cached)} cached${pct(calls.cached, calls.total)} · ` +
        `<span class="${calls.errors > 0 ? 'err' : ''}">${fmtInt(calls.errors)} errors</span> · ${fmtInt(calls.policyBlocks)} policy blocks`,
    ],
    ['Tokens', `${fmtInt(tokens.input)} input · ${fmtInt(tokens.output)} output`],
  ];
  if (m.harness) {
    const perCall = calls.total > 0 ? ` · ${(m.harness.cpuMs / calls.total).toFixed(3)} ms per call` : '';
    rows.push(['Harness CPU', `${fmtInt(m.harness.cpuMs)} ms${perCall} · peak RSS ${fmt1(m.harness.peakRssMb)} MB`]);
  }
  const dl = `<dl class="kv">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  return section('run', 'Run', dl);
}
