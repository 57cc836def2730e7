import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { searchItems, searchProvider, type SearchProvider } from '../../src/metadata/search.js';
import { ProviderError, UserInputError } from '../../src/providers/types.js';

/** One request as the server saw it. */
interface Seen { method: string; path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: string }
type Reply = { status: number; body: unknown };

let server: Server;
let base = '';
const seen: Seen[] = [];
let reply: Reply = { status: 200, body: {} };

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      seen.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const BRAVE_KEY = 'BSAq7test-brave-key-0001';
const TAVILY_KEY = 'tvly-dev-test-key-0002';

/** A Brave web search response as the API documents it (trimmed to the fields that matter plus a few others). */
const BRAVE_RESPONSE = {
  type: 'search',
  query: { original: 'trustworthy ai evaluation', more_results_available: true },
  mixed: { type: 'mixed', main: [{ type: 'web', index: 0, all: false }] },
  web: {
    type: 'search',
    family_friendly: true,
    results: [
      {
        title: '<strong>Trustworthy</strong> AI &amp; evaluation – a survey',
        url: 'https://example.org/survey',
        is_source_local: false,
        description: 'A survey of <strong>trustworthy</strong> <strong>AI</strong> evaluation: safety, truthfulness &amp; fairness.',
        page_age: '2025-05-01T00:00:00',
        profile: { name: 'Example', url: 'https://example.org', long_name: 'example.org', img: 'https://imgs.example/fav.png' },
        language: 'en',
        extra_snippets: ['Another excerpt.'],
      },
      { title: 'TrustGen benchmark', url: 'https://example.com/trustgen', description: 'Dynamic generation of test sets.' },
    ],
  },
};

const TAVILY_RESPONSE = {
  query: 'trustworthy ai evaluation',
  follow_up_questions: null,
  answer: null,
  images: [],
  results: [
    { title: 'Trustworthy AI evaluation', url: 'https://example.org/a', content: 'Evaluating models: a < b and "quotes" stay as written.', score: 0.91, raw_content: null },
    { title: 'Second', url: 'https://example.org/b', content: 'More text.', score: 0.5, raw_content: null },
  ],
  response_time: 1.42,
};

function braveEnv(): Record<string, string> {
  return { BRAVE_API_KEY: BRAVE_KEY, BRAVE_SEARCH_BASE_URL: base };
}

test('brave: GET /res/v1/web/search with q, count, Accept and X-Subscription-Token; results mapped, HTML stripped', async () => {
  seen.length = 0;
  reply = { status: 200, body: BRAVE_RESPONSE };
  const brave = searchProvider('brave', braveEnv());
  assert.equal(brave.id, 'brave');
  const results = await brave.search('trustworthy AI evaluation', { count: 3 });
  assert.equal(seen.length, 1);
  const r = seen[0];
  assert.equal(r.method, 'GET');
  assert.equal(r.path, '/res/v1/web/search');
  assert.deepEqual([...r.query.entries()], [['q', 'trustworthy AI evaluation'], ['count', '3']]);
  assert.equal(r.headers['x-subscription-token'], BRAVE_KEY);
  assert.equal(r.headers.accept, 'application/json');
  assert.equal(r.headers.authorization, undefined);
  assert.equal(r.body, '');
  assert.deepEqual(results, [
    { title: 'Trustworthy AI & evaluation – a survey', url: 'https://example.org/survey', snippet: 'A survey of trustworthy AI evaluation: safety, truthfulness & fairness.' },
    { title: 'TrustGen benchmark', url: 'https://example.com/trustgen', snippet: 'Dynamic generation of test sets.' },
  ]);
});

test('brave: count is clamped to the API maximum of 20; a response without web results is empty', async () => {
  seen.length = 0;
  reply = { status: 200, body: { type: 'search', query: { original: 'x' } } };
  const out = await searchProvider('brave', braveEnv()).search('obscure query', { count: 50 });
  assert.deepEqual(out, []);
  assert.equal(seen[0].query.get('count'), '20');
  await assert.rejects(searchProvider('brave', braveEnv()).search('w '.repeat(51), { count: 1 }), (e: unknown) => e instanceof UserInputError && /400 characters, 50 words/.test(e.message));
});

test('brave: HTTP 401 is a ProviderError with a hint, and the key never appears in it', async () => {
  reply = { status: 401, body: { type: 'ErrorResponse', error: { id: 'x', status: 401, code: 'SUBSCRIPTION_TOKEN_INVALID', detail: `The provided subscription token ${BRAVE_KEY} is invalid.` } } };
  await assert.rejects(searchProvider('brave', braveEnv()).search('q', { count: 1 }), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.match(e.message, /HTTP 401/);
    assert.match(e.message, /check BRAVE_API_KEY/);
    assert.ok(!e.message.includes(BRAVE_KEY), e.message);
    assert.equal(e.retryable, false);
    return true;
  });
  reply = { status: 200, body: 'not json' };
  await assert.rejects(searchProvider('brave', braveEnv()).search('q', { count: 1 }), (e: unknown) => e instanceof ProviderError && e.code === 'malformed_response');
});

test('tavily: POST /search with JSON {query, max_results} and a Bearer key; results[].content as snippets', async () => {
  seen.length = 0;
  reply = { status: 200, body: TAVILY_RESPONSE };
  const tavily = searchProvider('tavily', { TAVILY_API_KEY: TAVILY_KEY, TAVILY_BASE_URL: base });
  const results = await tavily.search('  trustworthy AI evaluation ', { count: 4 });
  const r = seen[0];
  assert.equal(r.method, 'POST');
  assert.equal(r.path, '/search');
  assert.equal([...r.query.keys()].length, 0);
  assert.equal(r.headers.authorization, `Bearer ${TAVILY_KEY}`);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(r.body), { query: 'trustworthy AI evaluation', max_results: 4 });
  assert.deepEqual(results, [
    { title: 'Trustworthy AI evaluation', url: 'https://example.org/a', snippet: 'Evaluating models: a < b and "quotes" stay as written.' },
    { title: 'Second', url: 'https://example.org/b', snippet: 'More text.' },
  ]);
});

test('tavily: errors are redacted; a body without results is malformed', async () => {
  reply = { status: 401, body: { detail: { error: `Unauthorized: invalid API key ${TAVILY_KEY}` } } };
  const tavily = searchProvider('tavily', { TAVILY_API_KEY: TAVILY_KEY, TAVILY_BASE_URL: base });
  await assert.rejects(tavily.search('q', { count: 1 }), (e: unknown) => e instanceof ProviderError && /HTTP 401/.test(e.message) && /check TAVILY_API_KEY/.test(e.message) && !e.message.includes(TAVILY_KEY));
  reply = { status: 429, body: { detail: { error: 'rate limit' } } };
  await assert.rejects(tavily.search('q', { count: 1 }), (e: unknown) => e instanceof ProviderError && e.retryable && e.status === 429);
  reply = { status: 200, body: { query: 'q' } };
  await assert.rejects(tavily.search('q', { count: 1 }), (e: unknown) => e instanceof ProviderError && /no "results" list/.test(e.message));
});

test('network failure: the message names the host, never the key', async () => {
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const port = (dead.address() as AddressInfo).port;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  const brave = searchProvider('brave', { BRAVE_API_KEY: BRAVE_KEY, BRAVE_SEARCH_BASE_URL: `http://127.0.0.1:${port}` });
  await assert.rejects(brave.search('q', { count: 1 }), (e: unknown) => e instanceof ProviderError && e.code === 'network' && !e.message.includes(BRAVE_KEY));
});

test('searchProvider: missing key, unknown provider and a bad base URL are user errors naming the variable', () => {
  const check = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof UserInputError && re.test(e.message));
  check(() => searchProvider('brave', {}), /BRAVE_API_KEY is not set.*export BRAVE_API_KEY=/);
  check(() => searchProvider('tavily', { TAVILY_API_KEY: '  ' }), /TAVILY_API_KEY is not set/);
  check(() => searchProvider('bing', { BING_API_KEY: 'x' }), /unknown search provider "bing". Known: brave, tavily/);
  check(() => searchProvider('brave', { BRAVE_API_KEY: BRAVE_KEY, BRAVE_SEARCH_BASE_URL: 'ftp://x' }), /BRAVE_SEARCH_BASE_URL must be an http/);
  try {
    searchProvider('brave', { BRAVE_API_KEY: BRAVE_KEY, BRAVE_SEARCH_BASE_URL: 'nope' });
  } catch (e) {
    assert.ok(!(e as Error).message.includes(BRAVE_KEY));
  }
});

test('searchItems: items with source = URL, retrievedAt from the clock, stable ids, repeated URLs dropped', async () => {
  const fake: SearchProvider = {
    id: 'fake',
    async search(query, opts) {
      assert.equal(query, 'model safety');
      assert.equal(opts.count, 3);
      return [
        { title: 'A', url: 'https://a.example/1', snippet: 'first' },
        { title: 'A again', url: 'https://a.example/1', snippet: 'repeat' },
        { title: 'B', url: 'https://b.example/2', snippet: 'second' },
      ];
    },
  };
  const now = () => new Date('2026-05-01T08:30:00.000Z');
  const items = await searchItems(fake, 'model safety', { count: 3, now });
  assert.equal(items.length, 2);
  assert.deepEqual(items.map((i) => i.source), ['https://a.example/1', 'https://b.example/2']);
  assert.ok(items.every((i) => i.retrievedAt === '2026-05-01T08:30:00.000Z' && i.pool === 'search:fake'));
  assert.match(items[0].id, /^fake:[0-9a-f]{10}#1$/);
  assert.match(items[1].id, /#2$/);
  assert.deepEqual(items[1].fields, { title: 'B', url: 'https://b.example/2', snippet: 'second', query: 'model safety' });
  const again = await searchItems(fake, 'model safety', { count: 3, now });
  assert.deepEqual(again, items);
});
