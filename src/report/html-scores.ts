/** The scores: header, summary table, one card per model (overall, tiles, radar), and per-model details with CI bars. */
import { escapeHtml as e } from '../util/escape.js';
import { band, fmtInt, fmtScore, humanize } from './format.js';
import { chip, ciText, countsText, legend, section } from './html-layout.js';
import { dimScore, dimensionsOf, overallOf } from './report-data.js';
import { barWithCi, radarSvg } from './svg.js';
import type { DimensionResult, MetricResult, ResultsDoc, SubdimensionResult } from './types.js';

/** Radar polygon colours, one per model (cycled). */
const MODEL_COLORS = ['#1565c0', '#8e24aa', '#00838f', '#ef6c00', '#5d4037', '#c2185b'];

/** Radar only from this many scored dimensions; fewer get bars. */
export const RADAR_MIN_AXES = 3;

export function renderHeader(doc: ResultsDoc, models: string[]): string {
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

export function renderSummary(doc: ResultsDoc, models: string[], allDims: string[]): string {
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
    `<div class="overall"><span class="big band-${band(o)}">${fmtScore(o)}</span><span class="muted">overall${doc.overall?.[model]?.ci95 ? ` (95% CI ${ciText(doc.overall[model].ci95)})` : ''} · ${dims.filter((d) => dimScore(doc, model, d) !== null).length} of ${dims.length} dimensions scored</span></div>`,
  );
  parts.push('<div class="tiles">');
  for (const d of dims) {
    const v = dimScore(doc, model, d);
    const det = doc.details?.[model]?.[d];
    parts.push(
      `<div class="tile band-${band(v)}"><div class="name">${e(humanize(d))}</div><div class="val band-${band(v)}">${fmtScore(v)}</div>` +
        (det ? `<div class="meta">${countsText(det.n, det.errors)}${det.ci95 ? `<br>95% CI ${ciText(det.ci95)}` : ''}</div>` : '') +
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
    // Too few dimensions for a dimension radar: draw the sub-dimensions instead, when there are enough of them.
    const subAxes = subdimensionAxes(doc, model, dims);
    if (subAxes.length >= RADAR_MIN_AXES) {
      parts.push(
        `<div class="chart">${radarSvg(subAxes, { title: `${model}: sub-dimension scores (0–100)`, color: MODEL_COLORS[index % MODEL_COLORS.length] })}</div>`,
      );
    }
  } else {
    parts.push('<p class="muted">No dimension was scored for this model.</p>');
  }
  parts.push('</div>');
  return parts.join('\n');
}

/** One radar axis per scored sub-dimension, named by the sub-dimension (the details section says which dimension holds it). */
function subdimensionAxes(doc: ResultsDoc, model: string, dims: string[]): { label: string; value: number | null }[] {
  return dims.flatMap((d) =>
    Object.entries(doc.details?.[model]?.[d]?.subdimensions ?? {})
      .filter(([, sub]) => typeof sub.value === 'number' && Number.isFinite(sub.value))
      .map(([sid, sub]) => ({ label: humanize(sid), value: sub.value })),
  );
}

/** The metric's name as results.json gives it, with its kind (when not a plain pass rate) and the pairs left out. */
function metricCell(sub: SubdimensionResult): string {
  const extra = sub as SubdimensionResult & { kind?: string; excluded?: number };
  const bits: string[] = [];
  // 'pass-rate' is the default kind: only the pair metrics are marked.
  if (extra.kind && extra.kind !== 'pass-rate') bits.push(`<span class="tag">${e(extra.kind)}</span>`);
  if (typeof extra.excluded === 'number' && extra.excluded > 0) bits.push(`<span class="muted">${fmtInt(extra.excluded)} left out</span>`);
  return `${e(sub.metric)}${bits.length ? ` ${bits.join(' ')}` : ''}`;
}

export function renderModelDetails(doc: ResultsDoc, model: string, index: number): string {
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
          `<td class="num${sub.errors > 0 ? ' err' : ''}">${fmtInt(sub.errors)}</td><td class="small">${metricCell(sub)}</td></tr>`,
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
