import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, loadDocuments, splitPassages, textBlocks } from '../../src/metadata/documents.js';
import { decodeEntities, htmlToBlocks, htmlToText } from '../../src/metadata/html.js';
import { UserInputError } from '../../src/providers/types.js';

const root = mkdtempSync(join(tmpdir(), 'trustgen-docs-'));
after(() => rmSync(root, { recursive: true, force: true }));

const MTIME = new Date('2026-03-01T12:00:00.000Z');

/** A paragraph of `n` distinct words. */
function para(tag: string, n: number): string {
  return Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ') + '.';
}

function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function write(folder: string, rel: string, text: string): void {
  const path = join(folder, ...rel.split('/'));
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  utimesSync(path, MTIME, MTIME);
}

const HTML = `<!DOCTYPE html>
<html><head><title>Page title</title><style>body { color: red } .x::before { content: "STYLE_TEXT" }</style>
<script>var secret = "SCRIPT_TEXT"; if (a < b) { document.write("</div>"); }</script></head>
<body><nav><a href="/">Home</a> NAV_TEXT</nav>
<!-- a comment COMMENT_TEXT -->
<h1>Caf&eacute; &amp; Bar &#8211; Overview</h1>
<p>Prices are &lt;10&gt; &euro; and &#x263A; smiles &quot;quoted&quot; &copy; 2026. Unknown &bogus; stays.</p>
<div>A   block    with
line breaks<br>and a break.</div>
<table><tr><td>cell one</td><td>cell two</td></tr></table>
<SCRIPT type="text/javascript">UPPER_SCRIPT</SCRIPT>
<p>${para('h', 120)}</p><p>${para('k', 120)}</p>
</body></html>`;

function makeFolder(): string {
  const folder = mkdtempSync(join(root, 'docs-'));
  write(folder, 'a.txt', [para('a', 60), para('b', 60), para('c', 60), para('d', 60), para('e', 60), para('f', 30)].join('\n\n'));
  write(folder, 'sub/b.md', `---\ntitle: front matter\n---\n# Guide\n\n${para('m', 110)} See [the docs](https://example.com).\n\n## Part two\n\n${para('n', 90)}\n\n\`\`\`\ncode line\n\`\`\`\n`);
  write(folder, 'c.HTML', HTML);
  write(folder, 'ignored.pdf', 'not a document');
  write(folder, '.hidden.txt', 'hidden');
  write(folder, '.git/config.txt', 'hidden folder');
  return folder;
}

test('documents: supported files found recursively in sorted order; hidden and other files skipped', () => {
  const folder = makeFolder();
  assert.deepEqual(listFiles(folder), ['a.txt', 'c.HTML', 'sub/b.md']);
});

test('documents: passages sized on paragraph boundaries, with source, retrievedAt and fields', () => {
  const folder = makeFolder();
  const items = loadDocuments(folder);
  const files = [...new Set(items.map((i) => i.fields.file))];
  assert.deepEqual(files, ['a.txt', 'c.HTML', 'sub/b.md']);
  for (const file of files) {
    const mine = items.filter((i) => i.fields.file === file);
    mine.forEach((item, k) => {
      assert.equal(item.source, `${file}#passage-${k + 1}`);
      assert.equal(item.id, item.source);
      assert.equal(item.pool, 'documents');
      assert.equal(item.retrievedAt, MTIME.toISOString());
      const n = words(item.fields.text);
      assert.ok(n <= 250, `${item.source} has ${n} words`);
      if (k < mine.length - 1) assert.ok(n >= 100, `${item.source} has only ${n} words`);
    });
  }
  // a.txt: paragraphs of 60, 60, 60, 60, 60 and 30 words: passages of 240 and 90, no paragraph split.
  const a = items.filter((i) => i.fields.file === 'a.txt');
  assert.equal(a.length, 2);
  assert.ok(a[0].fields.text.startsWith('a0 ') && a[0].fields.text.endsWith('d59.'));
  assert.ok(a[1].fields.text.startsWith('e0 '));
  assert.equal(a[0].fields.text.split('\n\n').length, 4);
});

test('documents: HTML drops script, style, nav, title and comments; keeps headings and paragraphs; decodes entities', () => {
  const folder = makeFolder();
  const html = loadDocuments(folder).filter((i) => i.fields.file === 'c.HTML');
  const all = html.map((i) => i.fields.text).join('\n\n');
  for (const gone of ['SCRIPT_TEXT', 'STYLE_TEXT', 'NAV_TEXT', 'COMMENT_TEXT', 'UPPER_SCRIPT', 'Page title', 'Home', '</div>']) {
    assert.ok(!all.includes(gone), `"${gone}" should be dropped`);
  }
  assert.ok(all.startsWith('Café & Bar – Overview\n\nPrices are <10> € and ☺ smiles "quoted" © 2026. Unknown &bogus; stays.'), all.slice(0, 200));
  assert.ok(all.includes('A block with line breaks\n\nand a break.'));
  assert.ok(all.includes('cell one cell two'));
  assert.equal(html[0].fields.heading, 'Café & Bar – Overview');
  assert.ok(html.length >= 2);
});

test('documents: Markdown headings start passages, front matter and fences dropped, links to text', () => {
  const folder = makeFolder();
  const md = loadDocuments(folder).filter((i) => i.fields.file === 'sub/b.md');
  assert.equal(md.length, 2);
  assert.ok(md[0].fields.text.startsWith('Guide\n\nm0 '));
  assert.ok(md[0].fields.text.includes('See the docs.'));
  assert.ok(!md[0].fields.text.includes('front matter'));
  assert.ok(md[1].fields.text.startsWith('Part two\n\nn0 '));
  assert.ok(md[1].fields.text.endsWith('code line'));
  assert.equal(md[0].fields.heading, 'Guide');
  assert.equal(md[1].fields.heading, 'Part two');
});

test('documents: loading twice gives identical items (deterministic)', () => {
  const folder = makeFolder();
  assert.deepEqual(loadDocuments(folder), loadDocuments(folder));
  assert.deepEqual(loadDocuments(folder, { pool: 'docs:x' }).map((i) => i.pool)[0], 'docs:x');
});

test('documents: a long paragraph is cut at sentence ends; a heading never ends a passage', () => {
  const sentences = Array.from({ length: 40 }, (_, i) => `Sentence ${i} has exactly seven words here.`).join(' ');
  const passages = splitPassages([{ text: sentences, heading: false }], 100, 250);
  assert.ok(passages.length >= 2);
  for (const p of passages) {
    assert.ok(p.words <= 250);
    assert.ok(p.text.endsWith('.'), 'cut at a sentence end');
  }
  const blocks = [
    { text: para('x', 150), heading: false },
    { text: 'Heading', heading: true },
    { text: para('y', 150), heading: false },
  ];
  const out = splitPassages(blocks, 100, 250);
  assert.equal(out.length, 2);
  assert.ok(out[1].text.startsWith('Heading\n\ny0'));
  assert.equal(out[1].heading, 'Heading');
  assert.equal(out[0].heading, undefined);
});

test('html: literal "<", CDATA, unclosed script, nested skipped elements, numeric references', () => {
  assert.deepEqual(htmlToBlocks('<p>a < b and c <= d</p>'), [{ text: 'a < b and c <= d', heading: false }]);
  assert.equal(htmlToText('<p>x<![CDATA[ raw <b> ]]>y</p>'), 'x raw <b> y');
  assert.equal(htmlToText('<p>kept</p><script>never closed <p>lost</p>'), 'kept');
  assert.equal(htmlToText('<nav><nav>inner</nav>still nav</nav><p>after</p>'), 'after');
  assert.equal(htmlToText('<h2 class="t">Title</h2><p data-x=">">body</p>'), 'Title\n\nbody');
  assert.equal(decodeEntities('&#233;&#xE9;&#0;&#x110000;&amp;amp;&nbsp;'), 'éé\ufffd\ufffd&amp;\u00a0');
  assert.equal(decodeEntities('AT&T; & co'), 'AT&T; & co');
});

test('text: plain paragraphs split on blank lines; Windows line ends', () => {
  assert.deepEqual(textBlocks('one\r\ntwo\r\n\r\nthree\n', false), [{ text: 'one two', heading: false }, { text: 'three', heading: false }]);
  assert.deepEqual(textBlocks('# not a heading in txt', false), [{ text: '# not a heading in txt', heading: false }]);
});

test('documents: errors name the folder and the fix', () => {
  assert.throws(() => loadDocuments(join(root, 'nope')), (e: unknown) => e instanceof UserInputError && /nope: document folder not found/.test(e.message));
  const empty = mkdtempSync(join(root, 'empty-'));
  write(empty, 'x.pdf', 'pdf');
  assert.throws(() => loadDocuments(empty), (e: unknown) => e instanceof UserInputError && /no \.txt, \.md, \.html, \.htm files/.test(e.message) && /Fix:/.test(e.message));
  const blank = mkdtempSync(join(root, 'blank-'));
  write(blank, 'x.txt', '\n\n   \n');
  assert.throws(() => loadDocuments(blank), (e: unknown) => e instanceof UserInputError && /none holds any text/.test(e.message));
});
