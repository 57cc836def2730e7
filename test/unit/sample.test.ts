import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Case } from '../../src/core/case.js';
import { stratifiedTake } from '../../src/engine/sample.js';
import { createRng } from '../../src/util/rng.js';

function mkCase(i: number, subdimension: string, facet: string): Case {
  return {
    id: `c${String(i).padStart(4, '0')}`,
    dimension: 'safety',
    subdimension,
    modality: 'llm',
    messages: [{ role: 'user', content: `q${i}` }],
    judge: { kind: 'refusal', expect: 'refuse' },
    tags: { attack: facet },
    provenance: { item: { pool: 'test', id: String(i) }, builder: 'template:test', variations: [], seed: 0 },
  };
}

/** Build cases: `spec` maps subdimension -> facet -> count, interleaved like a real build. */
function build(spec: Record<string, Record<string, number>>): Case[] {
  const out: Case[] = [];
  let i = 0;
  for (const [sub, facets] of Object.entries(spec)) {
    for (const [facet, n] of Object.entries(facets)) for (let k = 0; k < n; k++) out.push(mkCase(i++, sub, facet));
  }
  return out;
}

const facetOf = (c: Case) => c.tags.attack;
const countBy = (cases: Case[], f: (c: Case) => string) => {
  const m = new Map<string, number>();
  for (const c of cases) m.set(f(c), (m.get(f(c)) ?? 0) + 1);
  return m;
};
const spread = (m: Map<string, number>) => Math.max(...m.values()) - Math.min(...m.values());

test('takes exactly n distinct cases from the input', () => {
  const cases = build({ harmful: { a: 40 }, jailbreak: { x: 20, y: 20 }, injection: { p: 15 } });
  for (const n of [0, 1, 7, 50, 94]) {
    const got = stratifiedTake(cases, n, createRng(1), facetOf);
    assert.equal(got.length, n);
    assert.equal(new Set(got).size, n, 'no duplicates');
    for (const c of got) assert.ok(cases.includes(c));
  }
});

test('spreads evenly across sub-dimensions (counts differ by at most 1)', () => {
  const cases = build({ harmful: { a: 50 }, jailbreak: { x: 50 }, exaggerated: { e: 50 }, injection: { p: 50 } });
  for (const n of [4, 10, 37, 101]) {
    const got = stratifiedTake(cases, n, createRng(9), facetOf);
    const bySub = countBy(got, (c) => c.subdimension);
    assert.equal(bySub.size, 4, `n=${n}: all sub-dimensions present`);
    assert.ok(spread(bySub) <= 1, `n=${n}: ${JSON.stringify([...bySub])}`);
  }
});

test('a small sub-dimension gives all it has; the rest is shared evenly by the others', () => {
  const cases = build({ harmful: { a: 60 }, exaggerated: { e: 5 }, injection: { p: 60 } });
  const got = stratifiedTake(cases, 30, createRng(3), facetOf);
  const bySub = countBy(got, (c) => c.subdimension);
  assert.equal(bySub.get('exaggerated'), 5);
  assert.equal((bySub.get('harmful') ?? 0) + (bySub.get('injection') ?? 0), 25);
  assert.ok(Math.abs((bySub.get('harmful') ?? 0) - (bySub.get('injection') ?? 0)) <= 1);
});

test('spreads evenly across the facets of a sub-dimension', () => {
  const cases = build({ jailbreak: { base64: 30, roleplay: 30, leetspeak: 30, refusal_suppression: 30 } });
  for (const n of [8, 13, 50]) {
    const got = stratifiedTake(cases, n, createRng(5), facetOf);
    const byFacet = countBy(got, facetOf);
    assert.equal(byFacet.size, 4);
    assert.ok(spread(byFacet) <= 1, `n=${n}: ${JSON.stringify([...byFacet])}`);
  }
});

test('a thin facet gives all it has; the other facets share the rest evenly', () => {
  const cases = build({ jailbreak: { rare: 1, x: 20, y: 20 } });
  const got = stratifiedTake(cases, 9, createRng(2), facetOf);
  const byFacet = countBy(got, facetOf);
  assert.deepEqual([byFacet.get('rare'), byFacet.get('x'), byFacet.get('y')], [1, 4, 4]);
});

test('sub-dimensions and facets at once', () => {
  const cases = build({ harmful: { crime: 20, cyber: 20 }, jailbreak: { a: 10, b: 10, c: 10 } });
  const got = stratifiedTake(cases, 24, createRng(11), facetOf);
  const bySub = countBy(got, (c) => c.subdimension);
  assert.deepEqual([bySub.get('harmful'), bySub.get('jailbreak')], [12, 12]);
  assert.deepEqual([...countBy(got.filter((c) => c.subdimension === 'harmful'), facetOf).values()], [6, 6]);
  assert.deepEqual([...countBy(got.filter((c) => c.subdimension === 'jailbreak'), facetOf).values()], [4, 4, 4]);
});

test('deterministic for a seed; a different seed picks differently', () => {
  const cases = build({ harmful: { a: 40, b: 40 }, jailbreak: { x: 40 } });
  const ids = (seed: number) => stratifiedTake(cases, 20, createRng(seed), facetOf).map((c) => c.id);
  assert.deepEqual(ids(42), ids(42));
  const others = [1, 2, 3, 4].map((s) => ids(s).join());
  assert.ok(others.some((o) => o !== ids(42).join()), 'the seed should matter');
});

test('keeps the build order', () => {
  const cases = build({ harmful: { a: 30, b: 30 }, jailbreak: { x: 30 }, injection: { p: 30 } });
  const got = stratifiedTake(cases, 25, createRng(8), facetOf);
  const pos = got.map((c) => cases.indexOf(c));
  assert.deepEqual(pos, [...pos].sort((a, b) => a - b));
});

test('n >= length returns the input unchanged', () => {
  const cases = build({ harmful: { a: 3 }, jailbreak: { x: 2 } });
  assert.equal(stratifiedTake(cases, 5, createRng(1), facetOf), cases);
  assert.equal(stratifiedTake(cases, 500, createRng(1), facetOf), cases);
  assert.deepEqual(cases.map((c) => c.id), ['c0000', 'c0001', 'c0002', 'c0003', 'c0004'], 'the input is not reordered');
});

test('does not mutate the input', () => {
  const cases = build({ harmful: { a: 10 }, jailbreak: { x: 10 } });
  const before = cases.map((c) => c.id);
  stratifiedTake(cases, 7, createRng(4), facetOf);
  assert.deepEqual(cases.map((c) => c.id), before);
});

test('without a facet function, sub-dimensions are still balanced', () => {
  const cases = build({ harmful: { a: 5, b: 45 }, jailbreak: { x: 50 } });
  const got = stratifiedTake(cases, 20, createRng(6));
  const bySub = countBy(got, (c) => c.subdimension);
  assert.deepEqual([bySub.get('harmful'), bySub.get('jailbreak')], [10, 10]);
});

test('with groups, a base case and its variants are taken or left together', () => {
  const cases: Case[] = [];
  for (let g = 0; g < 10; g++) for (let k = 0; k < 4; k++) {
    const c = mkCase(g * 4 + k, 'robust', '');
    cases.push({ ...c, tags: { pair: `g${g}`, role: k === 0 ? 'base' : 'variant' } });
  }
  const groupOf = (c: Case) => c.tags.pair;
  for (const n of [4, 10, 17, 39]) {
    const got = stratifiedTake(cases, n, createRng(3), () => '', groupOf);
    const sizes = countBy(got, groupOf);
    assert.ok([...sizes.values()].every((s) => s === 4), `n=${n}: every group whole`);
    assert.equal(got.length, Math.floor(n / 4) * 4, `n=${n}: as many whole groups as fit`);
  }
  assert.equal(stratifiedTake(cases, 2, createRng(3), () => '', groupOf).length, 4, 'the first group is taken even when larger than n');
  const a = stratifiedTake(cases, 20, createRng(9), () => '', groupOf).map((c) => c.id);
  assert.deepEqual(stratifiedTake(cases, 20, createRng(9), () => '', groupOf).map((c) => c.id), a, 'seeded');
});
