import { lastUserText } from '../core/case.js';
import type { Db } from '../store/db.js';
import { caseFromRow, type CaseRow, type StoredCase } from '../store/cases.js';
import type { RunRow } from '../store/runs.js';

/** Read-only queries behind the viewer's JSON API. Every list is a page: nothing loads a run whole. */

export interface RunSummary { id: string; status: string; createdAt: string; updatedAt: string; models: string[]; dimensions: string[]; cases: number }

export interface Progress {
  runId: string;
  status: string;
  updatedAt: string;
  stages: { stage: string; status: string; count: number; updatedAt: string }[];
  cases: number;
  responses: number;
  responseErrors: number;
  judgments: number;
  /** Cases times models: the responses (and judgments) a finished run holds. */
  expected: number;
}

export type Verdict = 'pass' | 'fail' | 'error' | 'pending' | 'annotated';
export const VERDICTS: readonly Verdict[] = ['pass', 'fail', 'error', 'pending', 'annotated'];

export interface CaseFilter {
  model: string;
  dimension?: string;
  subdimension?: string;
  /** A tag (facet) name and value, e.g. attack = base64. */
  tag?: { key: string; value: string };
  verdict?: Verdict;
  /** The judge's label, e.g. full_refusal. */
  label?: string;
  /** Free text found in the prompt messages or the response (case-insensitive for ASCII letters). */
  q?: string;
}

export interface CaseListItem {
  seq: number;
  caseId: string;
  dimension: string;
  subdimension: string;
  tags: Record<string, string>;
  prompt: string;
  response: string | null;
  responseStatus: string | null;
  finishReason: string | null;
  judge: string | null;
  label: string | null;
  score: number | null;
  annotation: { verdict: string; label: string | null; score: number | null } | null;
}

export interface CasePage { items: CaseListItem[]; nextAfter: number | null }

/** Characters of a prompt or response shown in a list row; the case page shows them whole. */
const EXCERPT = 400;

export function runConfig(row: RunRow): { models: string[]; dimensions: string[]; judge?: string } {
  try {
    const c = JSON.parse(row.config_json) as { models?: string[]; dimensions?: string[]; judge?: string };
    return { models: c.models ?? [], dimensions: c.dimensions ?? [], judge: c.judge };
  } catch {
    return { models: [], dimensions: [] };
  }
}

export class ViewerQueries {
  constructor(private readonly db: Db) {}

  run(runId: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as RunRow | undefined;
  }

  runs(limit = 200): RunSummary[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY created_at DESC LIMIT ?').all(limit) as RunRow[];
    const count = this.db.prepare('SELECT COUNT(*) AS n FROM cases WHERE run_id = ?');
    return rows.map((r) => {
      const c = runConfig(r);
      return { id: r.id, status: r.status, createdAt: r.created_at, updatedAt: r.updated_at, models: c.models, dimensions: c.dimensions, cases: (count.get(r.id) as { n: number }).n };
    });
  }

  progress(row: RunRow): Progress {
    const stages = this.db.prepare('SELECT stage, status, count, updated_at AS updatedAt FROM run_stages WHERE run_id = ? ORDER BY updated_at').all(row.id) as Progress['stages'];
    const one = (sql: string): number => (this.db.prepare(sql).get(row.id) as { n: number }).n;
    const cases = one('SELECT COUNT(*) AS n FROM cases WHERE run_id = ?');
    return {
      runId: row.id,
      status: row.status,
      updatedAt: row.updated_at,
      stages,
      cases,
      responses: one('SELECT COUNT(*) AS n FROM responses WHERE run_id = ?'),
      responseErrors: one("SELECT COUNT(*) AS n FROM responses WHERE run_id = ? AND status = 'error'"),
      judgments: one('SELECT COUNT(*) AS n FROM judgments WHERE run_id = ?'),
      expected: cases * Math.max(1, runConfig(row).models.length),
    };
  }

  /** Dimensions and sub-dimensions of a run with their case counts (read from an index), and the judges' labels. */
  facets(runId: string): { subdimensions: { dimension: string; subdimension: string; cases: number }[]; labels: string[] } {
    const subdimensions = this.db
      .prepare('SELECT dimension, subdimension, COUNT(*) AS cases FROM cases WHERE run_id = ? GROUP BY dimension, subdimension ORDER BY dimension, subdimension')
      .all(runId) as { dimension: string; subdimension: string; cases: number }[];
    const labels = (this.db.prepare('SELECT DISTINCT label FROM judgments WHERE run_id = ? ORDER BY label LIMIT 100').all(runId) as { label: string }[]).map((r) => r.label);
    return { subdimensions, labels };
  }

  /** The SQL and parameters of one page of a run's cases for one model, filtered; keyset-paginated on seq. */
  casePageSql(runId: string, f: CaseFilter, afterSeq: number, limit: number): { sql: string; params: Record<string, unknown> } {
    const where = ['c.run_id = @runId', 'c.seq > @after'];
    const params: Record<string, unknown> = { runId, model: f.model, after: afterSeq, limit: limit + 1 };
    if (f.dimension) { where.push('c.dimension = @dimension'); params.dimension = f.dimension; }
    if (f.subdimension) { where.push('c.subdimension = @subdimension'); params.subdimension = f.subdimension; }
    if (f.tag) { where.push('json_extract(c.tags_json, @tagPath) = @tagValue'); params.tagPath = `$."${f.tag.key.replace(/["\\]/g, '')}"`; params.tagValue = f.tag.value; }
    if (f.label) { where.push('j.label = @label'); params.label = f.label; }
    switch (f.verdict) {
      case 'pass': where.push("r.status = 'ok' AND j.score >= 0.5"); break;
      case 'fail': where.push("r.status = 'ok' AND j.score < 0.5"); break;
      case 'error': where.push("r.status = 'error'"); break;
      case 'pending': where.push('(r.case_id IS NULL OR (r.status = \'ok\' AND j.case_id IS NULL))'); break;
      case 'annotated': where.push('a.case_id IS NOT NULL'); break;
      default: break;
    }
    if (f.q) {
      where.push("(c.messages_json LIKE @q ESCAPE '\\' OR r.text LIKE @q ESCAPE '\\')");
      params.q = `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    }
    const sql = `SELECT c.seq, c.case_id, c.dimension, c.subdimension, c.tags_json, c.messages_json,
        r.status AS response_status, substr(r.text, 1, ${EXCERPT}) AS response, r.finish_reason,
        j.judge, j.label, j.score, a.verdict AS a_verdict, a.label AS a_label, a.score AS a_score
      FROM cases c
      LEFT JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id AND r.model = @model
      LEFT JOIN judgments j ON j.run_id = c.run_id AND j.case_id = c.case_id AND j.model = @model
      LEFT JOIN annotations a ON a.run_id = c.run_id AND a.case_id = c.case_id AND a.model = @model
      WHERE ${where.join(' AND ')}
      ORDER BY c.seq LIMIT @limit`;
    return { sql, params };
  }

  casePage(runId: string, f: CaseFilter, afterSeq: number, limit: number): CasePage {
    const { sql, params } = this.casePageSql(runId, f, afterSeq, limit);
    const rows = this.db.prepare(sql).all(params) as PageRow[];
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map(toItem);
    return { items, nextAfter: more ? items[items.length - 1].seq : null };
  }

  /** A case's whole chain: the case with its provenance, and per model the response, judgement and annotation. */
  caseChain(runId: string, caseId: string): { case: StoredCase; models: ModelChain[] } | undefined {
    const row = this.db.prepare('SELECT * FROM cases WHERE run_id = ? AND case_id = ?').get(runId, caseId) as CaseRow | undefined;
    if (!row) return undefined;
    const models = this.db
      .prepare(
        `SELECT r.model, r.status, r.text, r.finish_reason, r.policy_detail, r.error, r.input_tokens, r.output_tokens, r.latency_ms, r.attempts, r.cached, r.created_at,
           j.judge, j.label, j.score, j.reason, j.answer, j.created_at AS judged_at,
           a.verdict AS a_verdict, a.label AS a_label, a.score AS a_score, a.note AS a_note, a.annotator AS a_annotator, a.created_at AS a_created_at
         FROM responses r
         LEFT JOIN judgments j ON j.run_id = r.run_id AND j.case_id = r.case_id AND j.model = r.model
         LEFT JOIN annotations a ON a.run_id = r.run_id AND a.case_id = r.case_id AND a.model = r.model
         WHERE r.run_id = ? AND r.case_id = ? ORDER BY r.model`,
      )
      .all(runId, caseId) as ChainRow[];
    return { case: caseFromRow(row), models: models.map(toChain) };
  }
}

interface PageRow {
  seq: number; case_id: string; dimension: string; subdimension: string; tags_json: string; messages_json: string;
  response_status: string | null; response: string | null; finish_reason: string | null;
  judge: string | null; label: string | null; score: number | null; a_verdict: string | null; a_label: string | null; a_score: number | null;
}

function toItem(r: PageRow): CaseListItem {
  const prompt = lastUserText({ messages: JSON.parse(r.messages_json) }, '[image]');
  return {
    seq: r.seq,
    caseId: r.case_id,
    dimension: r.dimension,
    subdimension: r.subdimension,
    tags: JSON.parse(r.tags_json),
    prompt: prompt.length > EXCERPT ? `${prompt.slice(0, EXCERPT)}…` : prompt,
    response: r.response,
    responseStatus: r.response_status,
    finishReason: r.finish_reason,
    judge: r.judge,
    label: r.label,
    score: r.score,
    annotation: r.a_verdict ? { verdict: r.a_verdict, label: r.a_label, score: r.a_score } : null,
  };
}

interface ChainRow {
  model: string; status: string; text: string | null; finish_reason: string | null; policy_detail: string | null; error: string | null;
  input_tokens: number | null; output_tokens: number | null; latency_ms: number | null; attempts: number; cached: number; created_at: string;
  judge: string | null; label: string | null; score: number | null; reason: string | null; answer: string | null; judged_at: string | null;
  a_verdict: string | null; a_label: string | null; a_score: number | null; a_note: string | null; a_annotator: string | null; a_created_at: string | null;
}

export interface ModelChain {
  model: string;
  response: { status: string; text: string | null; finishReason: string | null; policyDetail: string | null; error: string | null; inputTokens: number | null; outputTokens: number | null; latencyMs: number | null; attempts: number; cached: boolean; createdAt: string };
  judgement: { judge: string; label: string; score: number | null; reason: string | null; answer: string | null; createdAt: string | null } | null;
  annotation: { verdict: string; label: string | null; score: number | null; note: string | null; annotator: string | null; createdAt: string } | null;
}

function toChain(r: ChainRow): ModelChain {
  return {
    model: r.model,
    response: { status: r.status, text: r.text, finishReason: r.finish_reason, policyDetail: r.policy_detail, error: r.error, inputTokens: r.input_tokens, outputTokens: r.output_tokens, latencyMs: r.latency_ms, attempts: r.attempts, cached: !!r.cached, createdAt: r.created_at },
    judgement: r.judge && r.label !== null ? { judge: r.judge, label: r.label, score: r.score, reason: r.reason, answer: r.answer, createdAt: r.judged_at } : null,
    annotation: r.a_verdict && r.a_created_at ? { verdict: r.a_verdict, label: r.a_label, score: r.a_score, note: r.a_note, annotator: r.a_annotator, createdAt: r.a_created_at } : null,
  };
}
