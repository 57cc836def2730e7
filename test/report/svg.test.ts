import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barWithCi, radarSvg } from '../../src/report/svg.js';
import { fmt1, fmtDuration, band } from '../../src/report/format.js';

/** Every numeric attribute value in the markup. */
function numericAttrs(svg: string): string[] {
  const out: string[] = [];
  for (const m of svg.matchAll(/\s(?:x|y|x1|y1|x2|y2|cx|cy|r|rx|width|height|dy)="([^"]*)"/g)) out.push(m[1]);
  for (const m of svg.matchAll(/\s(?:points|viewBox)="([^"]*)"/g)) out.push(...m[1].split(/[ ,]+/));
  return out;
}

test('radarSvg draws one axis per entry, escapes labels and writes numbers with 1 decimal', () => {
  const svg = radarSvg(
    [
      { label: 'Safety', value: 91.234 },
      { label: 'Fair<b>ness</b>', value: 40 },
      { label: 'Truth', value: 72.25 },
      { label: 'Privacy', value: null },
      { label: 'Ethics', value: 100 },
    ],
    { title: 'm "x"' },
  );
  assert.equal(svg.match(/class="axis"/g)?.length, 5);
  assert.equal(svg.match(/class="ring"/g)?.length, 5);
  assert.equal(svg.match(/class="pt"/g)?.length, 4, 'no vertex for the null axis');
  assert.ok(svg.includes('Fair&lt;b&gt;ness&lt;/b&gt;'));
  assert.ok(!svg.includes('<b>'));
  assert.ok(svg.includes('aria-label="m &quot;x&quot;"'));
  assert.ok(svg.includes('>91.2<'));
  assert.ok(svg.includes('>n/a<'));
  const long = radarSvg([{ label: 'a_very_long_dimension_identifier', value: 1 }, { label: 'b', value: 2 }, { label: 'c', value: 3 }]);
  assert.ok(long.includes('>a_very_long_dimensi…</tspan>'), long);
  const nums = numericAttrs(svg);
  assert.ok(nums.length > 30);
  for (const n of nums) assert.match(n, /^-?\d+\.\d$/, `not 1-decimal: ${n}`);
  assert.ok(!svg.includes('xmlns'), 'inline SVG needs no namespace URL');
  assert.ok(radarSvg([{ label: 'a', value: 1 }, { label: 'b', value: 2 }, { label: 'c', value: 3 }], { standalone: true }).includes('xmlns="http://www.w3.org/2000/svg"'));
});

test('radarSvg places the top axis vertex at the right radius', () => {
  const svg = radarSvg([{ label: 'a', value: 50 }, { label: 'b', value: 0 }, { label: 'c', value: 0 }], { width: 200 });
  // width 200 → r = max(30, 200/2 - 100) = 30, height 2·30 + 84 = 144, cx 100, cy 72; value 50 straight up → y = 72 - 15 = 57.
  assert.ok(svg.includes('<circle class="pt" cx="100.0" cy="57.0"'), svg);
  // Default width 380 → r 90, height 264, cy 132; value 100 straight up → y = 42.
  const big = radarSvg([{ label: 'a', value: 100 }, { label: 'b', value: 0 }, { label: 'c', value: 0 }]);
  assert.ok(big.includes('viewBox="0.0 0.0 380.0 264.0"'), big);
  assert.ok(big.includes('<circle class="pt" cx="190.0" cy="42.0"'), big);
});

test('barWithCi scales the bar and the whisker to 0-100', () => {
  const svg = barWithCi(50, [40, 62.5], { width: 200, height: 16, label: '<x>' });
  assert.ok(svg.includes('class="fill band-low" x="0.0" y="3.0" width="100.0"'), svg);
  assert.ok(svg.includes('<line x1="80.0" y1="8.0" x2="125.0" y2="8.0"/>'), svg);
  assert.ok(svg.includes('95% CI 40.0–62.5'));
  assert.ok(svg.includes('&lt;x&gt;: 50.0'));
  for (const n of numericAttrs(svg)) assert.match(n, /^-?\d+\.\d$/, `not 1-decimal: ${n}`);
});

test('barWithCi clamps out-of-range input and draws n/a for null', () => {
  const over = barWithCi(130, [-5, 120], { width: 100 });
  assert.ok(over.includes('width="100.0" height="10.0" rx="2.0" fill="#2e7d32"'), over);
  assert.ok(over.includes('x1="0.0"') && over.includes('x2="100.0"'));
  const none = barWithCi(null, null);
  assert.ok(none.includes('>n/a<'));
  assert.ok(!none.includes('class="fill'));
  assert.ok(!none.includes('class="ci"'));
});

test('format helpers', () => {
  assert.equal(fmt1(-0.04), '0.0');
  assert.equal(fmt1(72.25), '72.3');
  assert.equal(fmtDuration(350), '350 ms');
  assert.equal(fmtDuration(4200), '4.2 s');
  assert.equal(fmtDuration(125_000), '2m 05s');
  assert.equal(fmtDuration(3_723_000), '1h 02m 03s');
  assert.equal(band(null), 'na');
  assert.equal(band(90), 'high');
  assert.equal(band(59.9), 'low');
});
