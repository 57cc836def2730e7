/** The worst failures: each case with its variation chain, prompt, response and the judge's reasoning, all as escaped text. */
import { escapeHtml as e } from '../util/escape.js';
import { fmtInt, humanize } from './format.js';
import { section } from './html-layout.js';
import type { FailureExample, ResultsDoc } from './types.js';

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

export function renderFailures(doc: ResultsDoc, models: string[], max: number): string {
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
