import type { IncomingMessage, ServerResponse } from 'node:http';
import { compareRuns } from '../report/compare.js';
import { AnnotationError, AnnotationStore, type Annotation } from '../store/annotations.js';
import type { Db } from '../store/db.js';
import type { RunRow } from '../store/runs.js';
import { HttpError, readJson, sameOrigin, sendJson } from './http.js';
import { runConfig, VERDICTS, ViewerQueries, type CaseFilter, type Verdict } from './queries.js';
import { ScoreCache } from './scores.js';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

/** The viewer's JSON API under /api/. Reads are GET; the one write (an annotation) is a same-origin JSON POST. */
export class ViewerApi {
  private readonly q: ViewerQueries;
  private readonly annotations: AnnotationStore;
  private readonly scores: ScoreCache;

  constructor(private readonly db: Db) {
    this.q = new ViewerQueries(db);
    this.annotations = new AnnotationStore(db);
    this.scores = new ScoreCache(db);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const parts = url.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    // parts[0] === 'api'
    const method = req.method ?? 'GET';
    if (method === 'POST') {
      if (!sameOrigin(req)) throw new HttpError(403, 'cross-origin request refused: POST only from the viewer page itself');
      if (parts[1] === 'runs' && parts[2] && parts[3] === 'annotations' && parts.length === 4) return this.annotate(req, res, this.runOr404(parts[2]));
      throw new HttpError(404, 'no such endpoint');
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'method not allowed');
    if (parts[1] === 'runs' && parts.length === 2) return sendJson(res, 200, { runs: this.q.runs() });
    if (parts[1] === 'compare' && parts.length === 2) return this.compare(res, url);
    if (parts[1] !== 'runs' || !parts[2]) throw new HttpError(404, 'no such endpoint');
    const run = this.runOr404(parts[2]);
    const rest = parts.slice(3);
    if (rest.length === 0) return sendJson(res, 200, this.runInfo(run));
    if (rest[0] === 'progress' && rest.length === 1) return sendJson(res, 200, this.q.progress(run));
    if (rest[0] === 'scores' && rest.length === 1) return this.scoresOf(res, run, url);
    if (rest[0] === 'facets' && rest.length === 1) return sendJson(res, 200, this.q.facets(run.id));
    if (rest[0] === 'agreement' && rest.length === 1) return sendJson(res, 200, this.annotations.agreement(run.id));
    if (rest[0] === 'cases' && rest.length === 1) return sendJson(res, 200, this.q.casePage(run.id, this.filterOf(run, url), this.afterOf(url), this.limitOf(url)));
    if (rest[0] === 'cases' && rest.length === 2) {
      const chain = this.q.caseChain(run.id, rest[1]);
      if (!chain) throw new HttpError(404, `no case "${rest[1]}" in run ${run.id}`);
      return sendJson(res, 200, chain);
    }
    throw new HttpError(404, 'no such endpoint');
  }

  private runOr404(runId: string): RunRow {
    const run = this.q.run(runId);
    if (!run) throw new HttpError(404, `no run "${runId}"`);
    return run;
  }

  private runInfo(run: RunRow): unknown {
    let config: unknown = null;
    try { config = JSON.parse(run.config_json); } catch { /* shown as null */ }
    return { id: run.id, status: run.status, createdAt: run.created_at, updatedAt: run.updated_at, seed: run.seed, trustgenVersion: run.trustgen_version, config, annotations: this.annotations.count(run.id) };
  }

  private scoresOf(res: ServerResponse, run: RunRow, url: URL): void {
    const judge = this.scores.get(run, false);
    const human = url.searchParams.get('human') === '1' ? this.scores.get(run, true) : undefined;
    sendJson(res, 200, { judge, ...(human ? { human } : {}) });
  }

  private filterOf(run: RunRow, url: URL): CaseFilter {
    const p = url.searchParams;
    const models = runConfig(run).models;
    const model = p.get('model') || models[0];
    if (!model) throw new HttpError(400, 'the run names no model; pass ?model=');
    const f: CaseFilter = { model };
    const text = (name: string): string | undefined => {
      const v = p.get(name);
      if (v === null || v === '') return undefined;
      if (v.length > 500) throw new HttpError(400, `${name} is longer than 500 characters`);
      return v;
    };
    f.dimension = text('dimension');
    f.subdimension = text('subdimension');
    f.label = text('label');
    f.q = text('q');
    const tag = text('tag');
    if (tag) {
      const eq = tag.indexOf('=');
      if (eq < 1) throw new HttpError(400, 'tag must be NAME=VALUE, e.g. attack=base64');
      f.tag = { key: tag.slice(0, eq), value: tag.slice(eq + 1) };
    }
    const verdict = text('verdict');
    if (verdict) {
      if (!VERDICTS.includes(verdict as Verdict)) throw new HttpError(400, `verdict must be one of ${VERDICTS.join(', ')}`);
      f.verdict = verdict as Verdict;
    }
    return f;
  }

  private afterOf(url: URL): number {
    const v = url.searchParams.get('after');
    if (v === null || v === '') return -1;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new HttpError(400, 'after must be an integer (the last seq of the previous page)');
    return n;
  }

  private limitOf(url: URL): number {
    const v = url.searchParams.get('limit');
    if (v === null || v === '') return DEFAULT_PAGE;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE) throw new HttpError(400, `limit must be an integer from 1 to ${MAX_PAGE}`);
    return n;
  }

  private async annotate(req: IncomingMessage, res: ServerResponse, run: RunRow): Promise<void> {
    const body = (await readJson(req)) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') throw new HttpError(400, 'expected a JSON object');
    const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.slice(0, 2000) : null);
    const input: Annotation = {
      caseId: String(body.caseId ?? ''),
      model: String(body.model ?? ''),
      verdict: body.verdict as Annotation['verdict'],
      label: str(body.label),
      score: typeof body.score === 'number' ? body.score : null,
      note: str(body.note),
      annotator: str(body.annotator),
    };
    if (!this.db.prepare('SELECT 1 FROM judgments WHERE run_id = ? AND case_id = ? AND model = ?').get(run.id, input.caseId, input.model)) {
      throw new HttpError(404, `no judgement of model "${input.model}" on case "${input.caseId}" in run ${run.id} to annotate`);
    }
    try {
      const saved = this.annotations.save(run.id, input);
      this.scores.annotated(run.id);
      sendJson(res, 200, { annotation: saved, agreement: this.annotations.agreement(run.id) });
    } catch (e) {
      if (e instanceof AnnotationError) throw new HttpError(400, e.message);
      throw e;
    }
  }

  private compare(res: ServerResponse, url: URL): void {
    const a = url.searchParams.get('a');
    const b = url.searchParams.get('b');
    if (!a || !b) throw new HttpError(400, 'compare needs ?a=RUN_A&b=RUN_B');
    for (const id of [a, b]) this.runOr404(id);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    sendJson(res, 200, compareRuns(this.db, a, b, { changedOffset: Number.isInteger(offset) && offset >= 0 ? offset : 0, changedLimit: 50 }));
  }
}
