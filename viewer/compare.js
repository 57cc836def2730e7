// trustgen viewer: the comparison of two runs (the same document as `trustgen compare`). Uses el, mount, api,
// fmt, pill and enc from app.js; every text enters the page as a text node.
'use strict';

async function comparePage(a, b, params) {
  const offset = Number(params.get('offset') || 0);
  const cmp = await api(`/api/compare?a=${enc(a)}&b=${enc(b)}&offset=${offset}`);
  const delta = (d) => el('td', { class: `num ${d.delta > 0 ? 'delta-up' : d.delta < 0 ? 'delta-down' : ''}` }, d.delta === null ? '–' : `${d.delta > 0 ? '+' : ''}${fmt(d.delta)}`);
  const row = (name, sub, d) => el('tr', {}, el('td', {}, name), el('td', {}, sub), el('td', { class: 'num' }, fmt(d.a)), el('td', { class: 'num' }, fmt(d.b)), delta(d),
    el('td', { class: 'num' }, d.ci95 ? `${fmt(d.ci95[0])} to ${fmt(d.ci95[1])}` : '–'), el('td', {}, d.significant ? pill('significant', d.delta < 0 ? 'fail' : 'pass') : ''));
  const head = () => el('tr', {}, ['Dimension', 'Sub-dimension', 'A', 'B', 'B − A', '95% CI', ''].map((h) => el('th', {}, h)));
  const models = cmp.models.map((m) => {
    const t = el('table', { class: 'compare' }, head(), row('overall', '', m.overall));
    for (const [dim, d] of Object.entries(m.dimensions)) {
      t.append(row(dim, '', d));
      for (const [sub, s] of Object.entries(d.subdimensions)) t.append(row(dim, sub, s));
    }
    return el('div', { class: 'card' }, el('h3', {}, m.model), t);
  });
  const ch = cmp.changed;
  const changed = el('table', { id: 'changed' }, el('tr', {}, ['Case', 'Model', 'Sub-dimension', 'Verdict in A', 'Verdict in B'].map((h) => el('th', {}, h))),
    ch.items.map((x) => el('tr', {}, el('td', {}, el('a', { href: `#/run/${enc(b)}/case/${enc(x.caseId)}` }, x.caseId.slice(0, 12))), el('td', {}, x.model),
      el('td', {}, `${x.dimension} / ${x.subdimension}`), el('td', {}, `${x.a.label} (${fmt(x.a.score)})`), el('td', {}, `${x.b.label} (${fmt(x.b.score)})`))));
  const nav = el('p', { class: 'row' },
    offset > 0 ? el('a', { href: `#/compare/${enc(a)}/${enc(b)}?offset=${Math.max(0, offset - ch.limit)}` }, 'Previous') : null,
    offset + ch.items.length < ch.total ? el('a', { href: `#/compare/${enc(a)}/${enc(b)}?offset=${offset + ch.limit}` }, 'Next') : null);
  mount(app, el('h1', {}, 'Compare runs'),
    el('p', {}, 'A: ', el('a', { href: `#/run/${enc(a)}` }, a), ` (${cmp.runA.models.join(', ')}) → B: `, el('a', { href: `#/run/${enc(b)}` }, b), ` (${cmp.runB.models.join(', ')})`),
    el('p', { class: 'muted' }, cmp.method),
    cmp.onlyInA.length || cmp.onlyInB.length ? el('p', { class: 'muted' }, `Only in A: ${cmp.onlyInA.join(', ') || 'none'}; only in B: ${cmp.onlyInB.join(', ') || 'none'}`) : null,
    el('div', { id: 'compare-models' }, models), el('h2', {}, `Cases whose verdict changed (${ch.total})`), ch.total ? changed : el('p', { class: 'muted' }, 'None.'), nav);
}
