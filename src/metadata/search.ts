/**
 * Web search as a metadata source. A SearchProvider answers a query with titles, URLs and snippets;
 * adapters exist for the Brave Search API and Tavily (the reference toolkit's Bing Search API was retired
 * in 2025). Requests go through httpRequest (timeouts, abort, redaction); the API key is sent only in its
 * header and scrubbed from every error message. Results become metadata items with source = URL and
 * retrievedAt = the time of the search.
 */
import { createHash } from 'node:crypto';
import { checkBaseUrl, envVar, httpRequest, joinUrl, malformed, parseJsonBody, statusError, type HttpRequest } from '../providers/http.js';
import { UserInputError, type Env } from '../providers/types.js';
import { stripInlineHtml } from './html.js';
import type { MetadataItem } from './types.js';

export interface SearchResult { title: string; url: string; snippet: string }

export interface SearchProvider {
  id: string;
  search(query: string, opts: { count: number; signal?: AbortSignal }): Promise<SearchResult[]>;
}

export interface SearchProviderOptions {
  /** Per-request timeout in ms (httpRequest's default when unset). */
  timeoutMs?: number;
}

interface SearchApi {
  id: string;
  description: string;
  /** The variable holding the key, and the one that may override the base URL. */
  keyVar: string;
  baseUrlVar: string;
  defaultBaseUrl: string;
  keyHelp: string;
  create(key: string, baseUrl: string, opts: SearchProviderOptions): SearchProvider;
}

/** Both APIs return at most 20 results per request. */
const MAX_COUNT = 20;

function clampCount(count: number): number {
  return Math.min(MAX_COUNT, Math.max(1, Math.floor(Number.isFinite(count) ? count : 10)));
}

function checkQuery(provider: string, query: string): string {
  const q = query.trim();
  if (q === '') throw new UserInputError(`${provider}: empty search query. Fix: give a query with at least one word.`);
  return q;
}

/**
 * Brave Search API, web search: GET {base}/res/v1/web/search?q=...&count=N with headers
 * `Accept: application/json` and `X-Subscription-Token: <key>`; results at web.results[].{title,url,description}
 * (descriptions carry <strong> highlights, removed here). q: at most 400 characters and 50 words; count 1-20.
 */
export const braveApi: SearchApi = {
  id: 'brave',
  description: 'Brave Search API (web search)',
  keyVar: 'BRAVE_API_KEY',
  baseUrlVar: 'BRAVE_SEARCH_BASE_URL',
  defaultBaseUrl: 'https://api.search.brave.com',
  keyHelp: 'create one at https://api-dashboard.search.brave.com (Search plan)',
  create(key, baseUrl, opts) {
    return {
      id: 'brave',
      async search(query, { count, signal }) {
        const q = checkQuery('brave', query);
        if (q.length > 400 || q.split(/\s+/).length > 50) {
          throw new UserInputError('brave: the search query is longer than the API allows (400 characters, 50 words). Fix: shorten the query.');
        }
        const params = new URLSearchParams({ q, count: String(clampCount(count)) });
        const req: HttpRequest = {
          provider: 'brave search',
          url: `${joinUrl(baseUrl, '/res/v1/web/search')}?${params.toString()}`,
          method: 'GET',
          headers: { Accept: 'application/json', 'X-Subscription-Token': key },
          signal,
          timeoutMs: opts.timeoutMs,
          secrets: [key],
        };
        const json = await send(req, 'BRAVE_API_KEY');
        const web = json.web;
        if (web === undefined || web === null) return []; // no web results for this query
        const results = (web as { results?: unknown }).results;
        if (results === undefined) return [];
        if (!Array.isArray(results)) throw malformed(req, 'web.results is not a list');
        return results.flatMap((r): SearchResult[] => {
          const o = r as Record<string, unknown>;
          if (!o || typeof o.url !== 'string') return [];
          return [{ title: fromHtml(o.title), url: o.url, snippet: fromHtml(o.description) }];
        }).slice(0, clampCount(count));
      },
    };
  },
};

/**
 * Tavily search: POST {base}/search with JSON {query, max_results} and `Authorization: Bearer <key>`;
 * results at results[].{title,url,content}. max_results 0-20 (we ask 1-20).
 */
export const tavilyApi: SearchApi = {
  id: 'tavily',
  description: 'Tavily Search API',
  keyVar: 'TAVILY_API_KEY',
  baseUrlVar: 'TAVILY_BASE_URL',
  defaultBaseUrl: 'https://api.tavily.com',
  keyHelp: 'create one at https://app.tavily.com',
  create(key, baseUrl, opts) {
    return {
      id: 'tavily',
      async search(query, { count, signal }) {
        const q = checkQuery('tavily', query);
        const req: HttpRequest = {
          provider: 'tavily',
          url: joinUrl(baseUrl, '/search'),
          method: 'POST',
          headers: { Accept: 'application/json', Authorization: `Bearer ${key}` },
          body: { query: q, max_results: clampCount(count) },
          signal,
          timeoutMs: opts.timeoutMs,
          secrets: [key],
        };
        const json = await send(req, 'TAVILY_API_KEY');
        const results = json.results;
        if (!Array.isArray(results)) throw malformed(req, 'no "results" list in the response');
        return results.flatMap((r): SearchResult[] => {
          const o = r as Record<string, unknown>;
          if (!o || typeof o.url !== 'string') return [];
          return [{ title: plain(o.title), url: o.url, snippet: plain(o.content) }];
        }).slice(0, clampCount(count));
      },
    };
  },
};

export const SEARCH_APIS: readonly SearchApi[] = [braveApi, tavilyApi];

/** Send, and turn a non-2xx answer into a ProviderError (redacted) with a hint on auth failures. */
async function send(req: HttpRequest, keyVar: string): Promise<Record<string, unknown>> {
  const res = await httpRequest(req);
  if (res.status < 200 || res.status >= 300) {
    const hint = res.status === 401 || res.status === 403 ? `check ${keyVar}` : res.status === 429 ? 'rate limit or quota reached; wait or raise the plan' : undefined;
    throw statusError(req, res, { hint });
  }
  return parseJsonBody(req, res);
}

/** Brave marks query words with <strong> and escapes entities in titles and descriptions. */
function fromHtml(v: unknown): string {
  return typeof v === 'string' ? stripInlineHtml(v) : '';
}

function plain(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * The search provider `id` ('brave' or 'tavily'), reading its key (and optional base URL) from `env`.
 * A missing key or an unknown id is a UserInputError.
 */
export function searchProvider(id: string, env: Env, opts: SearchProviderOptions = {}): SearchProvider {
  const api = SEARCH_APIS.find((a) => a.id === id.trim().toLowerCase());
  if (!api) throw new UserInputError(`unknown search provider "${id}". Known: ${SEARCH_APIS.map((a) => a.id).join(', ')}.`);
  const key = envVar(env, api.keyVar);
  if (!key) throw new UserInputError(`${api.keyVar} is not set: the ${api.id} search provider needs an API key (${api.keyHelp}). Fix: export ${api.keyVar}=<your key>.`);
  const base = envVar(env, api.baseUrlVar);
  const baseUrl = base ? checkBaseUrl(api.baseUrlVar, base) : api.defaultBaseUrl;
  return api.create(key, baseUrl, opts);
}

export interface SearchItemsOptions {
  count: number;
  signal?: AbortSignal;
  /** Pool name; default `search:<provider id>`. */
  pool?: string;
  /** The clock for retrievedAt (tests pass a fixed one). */
  now?: () => Date;
}

/**
 * Run one query and turn its results into items: id `<provider>:<query hash>#<rank>`, source = the URL,
 * retrievedAt = now, fields {title, url, snippet, query}. Results repeating a URL are dropped.
 */
export async function searchItems(provider: SearchProvider, query: string, opts: SearchItemsOptions): Promise<MetadataItem[]> {
  const results = await provider.search(query, { count: opts.count, signal: opts.signal });
  const retrievedAt = (opts.now ?? (() => new Date()))().toISOString();
  const qid = createHash('sha256').update(query.trim()).digest('hex').slice(0, 10);
  const pool = opts.pool ?? `search:${provider.id}`;
  const seen = new Set<string>();
  const items: MetadataItem[] = [];
  for (const r of results) {
    if (seen.has(r.url)) continue;
    seen.add(r.url);
    items.push({
      id: `${provider.id}:${qid}#${items.length + 1}`,
      pool,
      fields: { title: r.title, url: r.url, snippet: r.snippet, query: query.trim() },
      source: r.url,
      retrievedAt,
    });
  }
  return items;
}
