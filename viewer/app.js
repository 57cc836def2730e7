// trustgen viewer: one page, no framework. Every text from the store (prompts, responses, labels, reasons,
// ids) enters the page as a text node through el(); nothing is ever parsed as HTML.
'use strict';

const app = document.getElementById('app');
let pollTimer = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'onclick' || k === 'onchange' || k === 'onsubmit') node.addEventListener(k.slice(2), v);
    else if (k === 'value') node.value = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined && c !== false) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** Replace a node's children; arrays are flattened and null/false children left out. */
function mount(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = String(text);
  return node;
}

async function api(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

const fmt = (v) => (v === null || v === undefined ? '–' : typeof v === 'number' ? v.toFixed(1) : String(v));
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const enc = encodeURIComponent;

function verdictOf(item) {
  if (item.responseStatus === 'error') return 'error';
  if (item.responseStatus === null || item.label === null) return 'pending';
  return item.score !== null && item.score >= 0.5 ? 'pass' : 'fail';
}
const pill = (text, cls) => el('span', { class: `pill ${cls || ''}` }, text);

function showError(e) {
  mount(app, el('p', { class: 'notice' }, `Error: ${e.message}`), el('p', {}, el('a', { href: '#/' }, 'Back to runs')));
}

// ---------- routing ----------
function route() {
  if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let page;
  if (parts[0] === 'run' && parts[2] === 'case' && parts[3]) page = casePage(parts[1], parts[3]);
  else if (parts[0] === 'run' && parts[1]) page = runPage(parts[1], params);
  else if (parts[0] === 'compare' && parts[1] && parts[2]) page = comparePage(parts[1], parts[2], params);
  else page = runsPage();
  page.catch(showError);
}
window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', route);

// ---------- runs ----------
async function runsPage() {
  const { runs } = await api('/api/runs');
  const rows = runs.map((r) => el('tr', {},
    el('td', {}, el('a', { href: `#/run/${enc(r.id)}` }, r.id)),
    el('td', {}, pill(r.status, `status-${r.status}`)),
    el('td', {}, r.models.join(', ')), el('td', {}, r.dimensions.join(', ')),
    el('td', {}, when(r.createdAt)), el('td', { class: 'num' }, r.cases)));
  const options = () => runs.map((r) => el('option', { value: r.id }, `${r.id} (${r.models.join(', ')})`));
  const a = el('select', { name: 'a' }, options());
  const b = el('select', { name: 'b' }, options());
  if (runs.length > 1) b.value = runs[0].id, a.value = runs[1].id;
  mount(app, 
    el('h1', {}, 'Runs'),
    runs.length ? el('table', { id: 'runs' }, el('tr', {}, ['Run', 'Status', 'Models', 'Dimensions', 'Created', 'Cases'].map((h) => el('th', { class: h === 'Cases' ? 'num' : '' }, h))), rows)
      : el('p', { class: 'muted' }, 'No runs in this store yet. Start one with trustgen run.'),
    el('h2', {}, 'Compare two runs'),
    el('form', { class: 'filters', onsubmit: (e) => { e.preventDefault(); location.hash = `#/compare/${enc(a.value)}/${enc(b.value)}`; } },
      el('label', {}, 'Run A (before)', a), el('label', {}, 'Run B (after)', b), el('button', { type: 'submit' }, 'Compare')));
}

// ---------- a run ----------
async function runPage(runId, params) {
  const [run, progress, facets] = await Promise.all([api(`/api/runs/${enc(runId)}`), api(`/api/runs/${enc(runId)}/progress`), api(`/api/runs/${enc(runId)}/facets`)]);
  const models = (run.config && run.config.models) || [];
  const progressBox = el('div', { class: 'card', id: 'progress' });
  const scoresBox = el('div', { id: 'scores' }, el('p', { class: 'muted' }, 'Scoring…'));
  const agreementBox = el('div', { id: 'agreement', class: 'card' });
  const casesBox = el('div', { id: 'cases' });
  mount(app, 
    el('h1', {}, `Run ${run.id}`),
    el('dl', { class: 'kv card' },
      el('dt', {}, 'Status'), el('dd', { id: 'run-status' }, run.status), el('dt', {}, 'Models'), el('dd', {}, models.join(', ')),
      el('dt', {}, 'Dimensions'), el('dd', {}, ((run.config && run.config.dimensions) || []).join(', ')),
      el('dt', {}, 'Judge'), el('dd', {}, String((run.config && run.config.judge) || '')), el('dt', {}, 'Seed'), el('dd', {}, run.seed),
      el('dt', {}, 'Created'), el('dd', {}, when(run.createdAt)), el('dt', {}, 'trustgen'), el('dd', {}, run.trustgenVersion)),
    el('h2', {}, 'Progress'), progressBox,
    el('h2', {}, 'Scores'), scoresBox,
    el('h2', {}, 'Judge agreement with annotations'), agreementBox,
    el('h2', {}, 'Cases'), casesBox, el('datalist', { id: 'tag-options' }));
  renderProgress(progressBox, progress);
  if (progress.status === 'running') {
    pollTimer = setInterval(async () => {
      try {
        const p = await api(`/api/runs/${enc(runId)}/progress`);
        renderProgress(progressBox, p);
        document.getElementById('run-status').textContent = p.status;
        if (p.status !== 'running') { clearInterval(pollTimer); pollTimer = null; loadScores(runId, scoresBox, params.get('human') === '1'); }
      } catch { /* the next tick retries */ }
    }, 1500);
  }
  loadScores(runId, scoresBox, params.get('human') === '1');
  renderAgreement(agreementBox, await api(`/api/runs/${enc(runId)}/agreement`));
  renderCases(runId, casesBox, models, facets, params);
}

function renderProgress(box, p) {
  const done = p.expected ? Math.min(100, Math.round((100 * p.judgments) / p.expected)) : 0;
  const bar = el('div', {});
  bar.style.width = `${done}%`;
  mount(box, 
    el('div', { class: 'row' }, pill(p.status, `status-${p.status}`),
      el('span', { id: 'progress-counts' }, `${p.cases} cases · ${p.responses} responses (${p.responseErrors} errors) · ${p.judgments} judgments of ${p.expected}`)),
    el('div', { class: 'progress-bar', title: `${done}% judged` }, bar),
    el('p', { class: 'muted' }, p.stages.length ? `Stages done: ${p.stages.map((s) => `${s.stage} (${s.count})`).join(', ')}` : 'No stage finished yet.'),
    p.status === 'running' ? el('p', { class: 'muted' }, `Updated ${when(p.updatedAt)}; refreshing every 1.5 s.`) : null);
}

async function loadScores(runId, box, human) {
  try {
    const s = await api(`/api/runs/${enc(runId)}/scores${human ? '?human=1' : ''}`);
    const toggle = el('input', { type: 'checkbox', id: 'human-toggle', checked: human, onchange: () => loadScores(runId, box, toggle.checked) });
    mount(box, el('label', { class: 'row' }, toggle, 'Also show scores with human labels (annotations override the judge)'));
    for (const model of Object.keys(s.judge.details)) box.append(modelScores(model, s.judge, s.human));
    fillTagOptions(s.judge);
  } catch (e) {
    mount(box, el('p', { class: 'notice' }, `Scores unavailable: ${e.message}`));
  }
}

/** Offer the facet values the scores break down by (attack=base64, technique=homonyms...) in the tag filter. */
function fillTagOptions(doc) {
  const list = document.getElementById('tag-options');
  if (!list) return;
  const seen = new Set();
  for (const dims of Object.values(doc.details)) for (const d of Object.values(dims)) for (const sub of Object.values(d.subdimensions)) {
    for (const [facet, values] of Object.entries(sub.breakdown || {})) for (const v of Object.keys(values)) seen.add(`${facet}=${v}`);
  }
  mount(list, [...seen].sort().map((t) => el('option', { value: t })));
}

function modelScores(model, judge, human) {
  const card = el('div', { class: 'card model-scores' }, el('h3', {}, model));
  const overall = (doc) => fmt(doc.scores[model] && doc.scores[model].overall);
  card.append(el('p', {}, 'Overall: ', el('strong', { class: 'overall-score' }, overall(judge)), human ? ` (with human labels: ${overall(human)})` : ''));
  const head = ['Dimension', 'Sub-dimension', 'Metric', 'Score', '95% CI', 'n', 'errors'].concat(human ? ['With human labels'] : []);
  const table = el('table', { class: 'scores' }, el('tr', {}, head.map((h) => el('th', {}, h))));
  const bars = [];
  for (const [dim, d] of Object.entries(judge.details[model])) {
    table.append(el('tr', {}, el('td', {}, el('strong', {}, dim)), el('td', {}, ''), el('td', {}, 'mean of sub-dimensions'), el('td', { class: 'num' }, fmt(d.score)), el('td', {}, ''), el('td', { class: 'num' }, d.n), el('td', { class: 'num' }, d.errors),
      human ? el('td', { class: 'num human-score' }, fmt(human.details[model][dim] && human.details[model][dim].score)) : null));
    for (const [sub, m] of Object.entries(d.subdimensions)) {
      const hm = human && human.details[model][dim] && human.details[model][dim].subdimensions[sub];
      table.append(el('tr', {}, el('td', {}, dim), el('td', {}, sub), el('td', { class: 'muted' }, m.metric), el('td', { class: 'num' }, fmt(m.value)),
        el('td', { class: 'num' }, m.ci95 ? `${fmt(m.ci95[0])}–${fmt(m.ci95[1])}` : '–'), el('td', { class: 'num' }, m.n), el('td', { class: 'num' }, m.errors),
        human ? el('td', { class: 'num human-score' }, fmt(hm && hm.value)) : null));
      bars.push({ label: `${dim} / ${sub}`, value: m.value, ci: m.ci95, human: hm ? hm.value : undefined });
    }
  }
  card.append(scoreChart(bars, !!human), table);
  return card;
}

/** Horizontal bars per sub-dimension (0-100) with their 95% interval; a second, orange bar for human labels. */
function scoreChart(bars, withHuman) {
  const rowH = withHuman ? 30 : 22, left = 220, width = 640, plot = width - left - 50;
  const height = bars.length * rowH + 30;
  const chart = svg('svg', { class: 'score-chart', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'scores per sub-dimension' });
  for (let t = 0; t <= 100; t += 25) {
    const x = left + (plot * t) / 100;
    chart.append(svg('line', { class: 'grid', x1: x, x2: x, y1: 4, y2: height - 18 }), svg('text', { x, y: height - 4, 'text-anchor': 'middle' }, t));
  }
  bars.forEach((b, i) => {
    const y = 6 + i * rowH;
    chart.append(svg('text', { x: left - 6, y: y + 12, 'text-anchor': 'end' }, b.label));
    if (b.value !== null) {
      chart.append(svg('rect', { class: 'bar', x: left, y, width: (plot * b.value) / 100, height: 14 }));
      chart.append(svg('text', { x: width - 6, y: y + 11, 'text-anchor': 'end' }, fmt(b.value)));
    }
    if (b.ci) chart.append(svg('line', { class: 'ci', x1: left + (plot * b.ci[0]) / 100, x2: left + (plot * b.ci[1]) / 100, y1: y + 7, y2: y + 7 }));
    if (withHuman && b.human !== undefined && b.human !== null) chart.append(svg('rect', { class: 'bar human', x: left, y: y + 16, width: (plot * b.human) / 100, height: 7 }));
  });
  return chart;
}

function renderAgreement(box, a) {
  if (!a.overall.n) { mount(box, el('p', { class: 'muted', id: 'agreement-overall' }, 'No annotations yet: open a case and mark its judgement right or wrong.')); return; }
  const rows = Object.entries(a.byDimension).map(([dim, x]) => el('tr', {}, el('td', {}, dim), el('td', { class: 'num' }, `${fmt(x.rate)}%`), el('td', { class: 'num' }, x.kappa === null ? '–' : x.kappa.toFixed(2)), el('td', { class: 'num' }, `${x.agreed} / ${x.n}`)));
  mount(box, 
    el('p', { id: 'agreement-overall' }, `Judge agrees with people on ${fmt(a.overall.rate)}% of ${a.overall.n} annotated judgements`),
    el('table', {}, el('tr', {}, el('th', {}, 'Dimension'), el('th', { class: 'num' }, 'Agreement'), el('th', { class: 'num' }, "Cohen's kappa"), el('th', { class: 'num' }, 'agreed / annotated')), rows));
}

// ---------- cases of a run ----------
function renderCases(runId, box, models, facets, params) {
  const field = (name) => params.get(name) || '';
  const model = el('select', { name: 'model' }, models.map((m) => el('option', { value: m }, m)));
  if (field('model')) model.value = field('model');
  const sub = el('select', { name: 'sub' }, el('option', { value: '' }, 'all'),
    facets.subdimensions.map((s) => el('option', { value: `${s.dimension}/${s.subdimension}` }, `${s.dimension} / ${s.subdimension} (${s.cases})`)));
  sub.value = field('sub');
  const dims = [...new Set(facets.subdimensions.map((s) => s.dimension))];
  const dim = el('select', { name: 'dimension' }, el('option', { value: '' }, 'all'), dims.map((d) => el('option', { value: d }, d)));
  dim.value = field('dimension');
  const verdict = el('select', { name: 'verdict' }, ['', 'pass', 'fail', 'error', 'pending', 'annotated'].map((v) => el('option', { value: v }, v || 'all')));
  verdict.value = field('verdict');
  const label = el('select', { name: 'label' }, el('option', { value: '' }, 'all'), facets.labels.map((l) => el('option', { value: l }, l)));
  label.value = field('label');
  const tag = el('input', { name: 'tag', placeholder: 'attack=base64', value: field('tag'), size: 16, list: 'tag-options' });
  const q = el('input', { name: 'q', type: 'search', placeholder: 'text in prompt or response', value: field('q'), size: 28 });
  const form = el('form', { class: 'filters', id: 'case-filters', onsubmit: (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of [['model', model.value], ['dimension', dim.value], ['sub', sub.value], ['verdict', verdict.value], ['label', label.value], ['tag', tag.value.trim()], ['q', q.value.trim()]]) if (v) p.set(k, v);
    location.hash = `#/run/${enc(runId)}?${p}`;
  } },
  el('label', {}, 'Model', model), el('label', {}, 'Dimension', dim), el('label', {}, 'Sub-dimension', sub), el('label', {}, 'Verdict', verdict),
  el('label', {}, 'Judge label', label), el('label', {}, 'Tag', tag), el('label', {}, 'Search', q), el('button', { type: 'submit' }, 'Filter'));
  const body = el('tbody', {});
  const table = el('table', { id: 'case-table' }, el('thead', {}, el('tr', {}, ['#', 'Sub-dimension', 'Tags', 'Prompt', 'Response', 'Verdict'].map((h) => el('th', {}, h)))), body);
  const more = el('button', { class: 'secondary', type: 'button', id: 'more-cases' }, 'More');
  const status = el('p', { class: 'muted', id: 'case-count' });
  mount(box, form, status, table, more);

  const query = new URLSearchParams();
  query.set('model', model.value);
  if (sub.value) { const [d, s] = sub.value.split('/'); query.set('dimension', d); query.set('subdimension', s); } else if (dim.value) query.set('dimension', dim.value);
  for (const [k, v] of [['verdict', verdict.value], ['label', label.value], ['tag', field('tag')], ['q', field('q')]]) if (v) query.set(k, v);
  let after = -1, shown = 0;
  async function page() {
    more.disabled = true;
    const res = await api(`/api/runs/${enc(runId)}/cases?${query}&after=${after}`);
    for (const item of res.items) body.append(caseRow(runId, model.value, item));
    shown += res.items.length;
    after = res.nextAfter === null ? after : res.nextAfter;
    status.textContent = `${shown} case${shown === 1 ? '' : 's'} shown${res.nextAfter === null ? '' : ' (more below)'}`;
    more.hidden = res.nextAfter === null;
    more.disabled = false;
  }
  more.addEventListener('click', () => page().catch(showError));
  page().catch(showError);
}

function caseRow(runId, model, item) {
  const v = verdictOf(item);
  const href = `#/run/${enc(runId)}/case/${enc(item.caseId)}?model=${enc(model)}`;
  const tr = el('tr', { class: 'clickable case-row', 'data-case': item.caseId, onclick: () => { location.hash = href; } },
    el('td', { class: 'num' }, el('a', { href }, item.seq)),
    el('td', {}, `${item.dimension} / ${item.subdimension}`),
    el('td', {}, Object.entries(item.tags).map(([k, val]) => `${k}=${val}`).join(' ')),
    el('td', {}, el('div', { class: 'excerpt' }, item.prompt)),
    el('td', {}, el('div', { class: 'excerpt response' }, item.response === null ? '' : item.response)),
    el('td', {}, pill(v, v), ' ', item.label || '', item.annotation ? el('div', { class: 'muted' }, `annotated ${item.annotation.verdict}${item.annotation.label ? `: ${item.annotation.label}` : ''}`) : null));
  return tr;
}

// ---------- a case's chain ----------
async function casePage(runId, caseId) {
  const [chain, agreement] = await Promise.all([api(`/api/runs/${enc(runId)}/cases/${enc(caseId)}`), api(`/api/runs/${enc(runId)}/agreement`)]);
  const c = chain.case, p = c.provenance || {};
  const item = p.item || {};
  const agreementBox = el('div', { id: 'agreement', class: 'card' });
  renderAgreement(agreementBox, agreement);
  mount(app, 
    el('p', {}, el('a', { href: `#/run/${enc(runId)}` }, `← Run ${runId}`)),
    el('h1', {}, `Case ${c.id}`),
    el('dl', { class: 'kv card', id: 'chain' },
      el('dt', {}, 'Dimension'), el('dd', {}, `${c.dimension} / ${c.subdimension} (${c.modality})`),
      el('dt', {}, 'Tags'), el('dd', {}, Object.entries(c.tags || {}).map(([k, v]) => `${k}=${v}`).join(', ')),
      el('dt', {}, 'Metadata item'), el('dd', { id: 'chain-item' }, `${item.pool || ''} : ${item.id || ''}`, item.source ? ` — ${item.source}` : '', item.retrievedAt ? ` (retrieved ${item.retrievedAt})` : ''),
      item.text ? [el('dt', {}, 'Item text'), el('dd', {}, el('pre', { class: 'text' }, item.text))] : null,
      el('dt', {}, 'Builder'), el('dd', { id: 'chain-builder' }, p.builder || ''),
      el('dt', {}, 'Generator'), el('dd', {}, p.generator || 'none'),
      el('dt', {}, 'Variation chain'), el('dd', { id: 'chain-variations' }, (p.variations || []).length ? p.variations.join(' → ') : 'none (original)'),
      el('dt', {}, 'Seed'), el('dd', { id: 'chain-seed' }, p.seed),
      el('dt', {}, 'Judge task'), el('dd', {}, JSON.stringify(c.judge)),
      c.expected ? [el('dt', {}, 'Expected'), el('dd', {}, JSON.stringify(c.expected))] : null),
    el('h2', {}, 'Messages'),
    el('div', { id: 'messages' }, c.messages.map((m) => el('div', { class: 'card' }, el('strong', {}, m.role),
      el('pre', { class: 'text' }, typeof m.content === 'string' ? m.content : m.content.map((part) => (part.type === 'text' ? part.text : `[${part.type}]`)).join('\n'))))),
    el('h2', {}, 'Responses, judgements and annotations'),
    el('div', { id: 'models' }, chain.models.length ? chain.models.map((m) => modelChain(runId, c, m, agreementBox)) : el('p', { class: 'muted' }, 'No response yet.')),
    el('h2', {}, 'Judge agreement with annotations (this run)'), agreementBox);
}

function labelsFor(judgeTask) {
  return judgeTask && judgeTask.kind === 'refusal' ? ['full_compliance', 'full_refusal', 'partial_refusal'] : ['correct', 'incorrect'];
}
/** Whether a label is the trustworthy outcome of a case, as a first guess the annotator can change. */
function labelPasses(judgeTask, label) {
  if (judgeTask && judgeTask.kind === 'refusal') return judgeTask.expect === 'refuse' ? label !== 'full_compliance' : label === 'full_compliance';
  return label === 'correct';
}

function modelChain(runId, c, m, agreementBox) {
  const r = m.response, j = m.judgement;
  const card = el('div', { class: 'card model-chain', 'data-model': m.model },
    el('h3', {}, m.model),
    el('dl', { class: 'kv' },
      el('dt', {}, 'Status'), el('dd', {}, `${r.status}${r.finishReason ? ` (${r.finishReason})` : ''}${r.cached ? ', from cache' : ''}`),
      r.error ? [el('dt', {}, 'Error'), el('dd', { class: 'notice' }, r.error)] : null,
      r.policyDetail ? [el('dt', {}, 'Policy'), el('dd', {}, r.policyDetail)] : null,
      el('dt', {}, 'Tokens'), el('dd', {}, `${r.inputTokens ?? '–'} in, ${r.outputTokens ?? '–'} out; ${r.latencyMs === null ? '–' : `${Math.round(r.latencyMs)} ms`}; ${r.attempts} attempt(s)`)),
    el('pre', { class: 'text response-text' }, r.text === null ? '' : r.text),
    j ? el('dl', { class: 'kv judgement' },
      el('dt', {}, 'Judge'), el('dd', {}, j.judge), el('dt', {}, 'Label'), el('dd', { class: 'judge-label' }, j.label),
      el('dt', {}, 'Score'), el('dd', {}, j.score === null ? '–' : String(j.score)), j.answer ? [el('dt', {}, 'Answer read'), el('dd', {}, j.answer)] : null,
      el('dt', {}, 'Reason'), el('dd', {}, j.reason || '')) : el('p', { class: 'muted' }, 'Not judged yet.'));
  const current = el('p', { class: 'annotation-current' }, annotationText(m.annotation));
  card.append(current);
  if (j) card.append(annotationForm(runId, c, m, current, agreementBox));
  return card;
}

function annotationText(a) {
  if (!a) return 'Not annotated.';
  return `Annotated: judge ${a.verdict}${a.verdict === 'wrong' ? `; right label ${a.label} (${a.score === 1 ? 'passes' : 'fails'})` : ''}${a.annotator ? ` by ${a.annotator}` : ''}${a.note ? ` — ${a.note}` : ''}`;
}

function annotationForm(runId, c, m, current, agreementBox) {
  const listId = `labels-${m.model.replace(/[^A-Za-z0-9]/g, '_')}`;
  const suggestions = labelsFor(c.judge);
  const label = el('input', { name: 'label', list: listId, placeholder: suggestions.join(' / '), size: 18, value: m.annotation && m.annotation.label });
  const passes = el('select', { name: 'passes' }, el('option', { value: '1' }, 'passes (trustworthy)'), el('option', { value: '0' }, 'fails'));
  label.addEventListener('input', () => { passes.value = labelPasses(c.judge, label.value.trim()) ? '1' : '0'; });
  if (m.annotation && m.annotation.score !== null) passes.value = String(m.annotation.score);
  const note = el('input', { name: 'note', placeholder: 'note (optional)', size: 24 });
  const who = el('input', { name: 'annotator', placeholder: 'your name', size: 12, value: localStorage.getItem('trustgen.annotator') || '' });
  const message = el('span', { class: 'muted annotate-message' });
  const wrongFields = el('span', { class: 'row wrong-fields' }, el('label', {}, 'Right label', label), el('label', {}, 'That label', passes));
  wrongFields.hidden = !(m.annotation && m.annotation.verdict === 'wrong');
  async function save(verdict) {
    if (verdict === 'wrong' && wrongFields.hidden) { wrongFields.hidden = false; label.focus(); message.textContent = 'Give the right label, then press "Judge is wrong" again.'; return; }
    localStorage.setItem('trustgen.annotator', who.value.trim());
    const body = { caseId: c.id, model: m.model, verdict, note: note.value, annotator: who.value };
    if (verdict === 'wrong') { body.label = label.value.trim(); body.score = Number(passes.value); }
    try {
      const res = await api(`/api/runs/${enc(runId)}/annotations`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      current.textContent = annotationText(res.annotation);
      message.textContent = 'Saved.';
      renderAgreement(agreementBox, res.agreement);
    } catch (e) {
      message.textContent = `Not saved: ${e.message}`;
    }
  }
  return el('form', { class: 'annotate', onsubmit: (e) => e.preventDefault() },
    el('datalist', { id: listId }, suggestions.map((s) => el('option', { value: s }))),
    el('button', { type: 'button', class: 'mark-correct', onclick: () => save('correct') }, 'Judge is right'),
    el('button', { type: 'button', class: 'mark-wrong secondary', onclick: () => save('wrong') }, 'Judge is wrong'),
    wrongFields, el('label', {}, 'Note', note), el('label', {}, 'Annotator', who), message);
}
