/** The run section: models, judge, generator, seed, versions, duration, calls, tokens and cost where the price is known. */
import { escapeHtml as e } from '../util/escape.js';
import { fmt1, fmtDuration, fmtInt } from './format.js';
import { section } from './html-layout.js';
import { costOf, type PriceTable } from './pricing.js';
import type { ResultsDoc } from './types.js';
import type { ModelUsage } from './usage.js';

/** Per-model token counts, when results.json carries them (meta.tokensByModel, optional). */
type MetaWithUsage = ResultsDoc['meta'] & { tokensByModel?: Record<string, Partial<ModelUsage> & { input: number; output: number }> };

function money(x: number, currency: string): string {
  const sym = currency === 'USD' ? '$' : `${currency} `;
  return `${sym}${x >= 1 ? x.toFixed(2) : x.toFixed(4)}`;
}

/**
 * Cost at list price, only for models found in the price table. Per-model tokens come from meta.tokensByModel;
 * without it, a one-model run's total tokens are that model's. Tokens of cached calls were not paid again in this run.
 */
export function costText(doc: ResultsDoc, pricing: PriceTable | null): string | null {
  if (!pricing) return null;
  const meta = doc.meta as MetaWithUsage;
  const models = meta.models ?? [];
  const usage: Record<string, Partial<ModelUsage> & { input: number; output: number }> =
    meta.tokensByModel ?? (models.length === 1 && meta.tokens ? { [models[0]]: meta.tokens } : {});
  const lines: string[] = [];
  for (const model of models) {
    const u = usage[model];
    const listed = pricing.models[model] !== undefined;
    if (!listed) {
      lines.push(`<code>${e(model)}</code> <span class="muted">no price known</span>`);
      continue;
    }
    if (!u) {
      lines.push(`<code>${e(model)}</code> <span class="muted">tokens per model not recorded</span>`);
      continue;
    }
    const all = costOf(pricing, model, u) as number;
    let text = `<code>${e(model)}</code> <strong>${money(all, pricing.currency)}</strong> for ${fmtInt(u.input)} input + ${fmtInt(u.output)} output tokens`;
    if (u.cachedInput !== undefined && u.cachedOutput !== undefined && (u.cachedInput > 0 || u.cachedOutput > 0)) {
      const paid = costOf(pricing, model, { input: u.input - u.cachedInput, output: u.output - u.cachedOutput }) as number;
      text += ` · ${money(paid, pricing.currency)} paid in this run (cached calls excluded)`;
    }
    lines.push(text);
  }
  if (lines.length === 0) return null;
  return `${lines.map((l) => `<div class="cost">${l}</div>`).join('')}<div class="small muted">List prices per million tokens from data/pricing.yaml (written ${e(pricing.asOf)}; check current prices). Judge and generator calls are not included.</div>`;
}

export function renderMeta(doc: ResultsDoc, pricing: PriceTable | null): string {
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
  const cost = costText(doc, pricing);
  if (cost) rows.push(['Cost at list price', cost]);
  if (m.harness) {
    const perCall = calls.total > 0 ? ` · ${(m.harness.cpuMs / calls.total).toFixed(3)} ms per call` : '';
    rows.push(['Harness CPU', `${fmtInt(m.harness.cpuMs)} ms${perCall} · peak RSS ${fmt1(m.harness.peakRssMb)} MB`]);
  }
  const dl = `<dl class="kv">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  return section('run', 'Run', dl);
}
