import type { Db } from './db.js';
import { caseFromRow, type CaseRow, type StoredCase } from './cases.js';

export interface ResponseRecord {
  caseId: string;
  model: string;
  status: 'ok' | 'error';
  text: string | null;
  finishReason: string | null;
  policyDetail: string | null;
  error: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  attempts: number;
  cached: boolean;
  requestHash: string;
}

export interface JudgmentRecord {
  caseId: string;
  model: string;
  judge: string;
  label: string;
  score: number | null;
  reason: string | null;
  /** The answer the judge read from the response (e.g. "B", "true"), when it reads one. */
  answer?: string | null;
}

/** Joins a response `r` to its judgment `j`, only when the judgment is not older than the response (a response re-answered on resume needs judging again). */
const JUDGMENT_OF_CURRENT_RESPONSE = 'LEFT JOIN judgments j ON j.run_id = r.run_id AND j.case_id = r.case_id AND j.model = r.model AND j.created_at >= r.created_at';

export class ResponseStore {
  private readonly upsertResponse;
  private readonly upsertJudgment;

  constructor(private readonly db: Db) {
    this.upsertResponse = db.prepare(
      `INSERT INTO responses (run_id, case_id, model, status, text, finish_reason, policy_detail, error, input_tokens, output_tokens, latency_ms, attempts, cached, request_hash, created_at)
       VALUES (@runId, @caseId, @model, @status, @text, @finishReason, @policyDetail, @error, @inputTokens, @outputTokens, @latencyMs, @attempts, @cached, @requestHash, @createdAt)
       ON CONFLICT(run_id, case_id, model) DO UPDATE SET status = excluded.status, text = excluded.text, finish_reason = excluded.finish_reason,
         policy_detail = excluded.policy_detail, error = excluded.error, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
         latency_ms = excluded.latency_ms, attempts = responses.attempts + excluded.attempts, cached = excluded.cached, request_hash = excluded.request_hash, created_at = excluded.created_at`,
    );
    this.upsertJudgment = db.prepare(
      `INSERT INTO judgments (run_id, case_id, model, judge, label, score, reason, answer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(run_id, case_id, model) DO UPDATE SET judge = excluded.judge, label = excluded.label, score = excluded.score, reason = excluded.reason,
         answer = excluded.answer, created_at = excluded.created_at`,
    );
  }

  /** Persist one model answer (or its error) at once, so a killed run loses at most the calls in flight. */
  saveResponse(runId: string, r: ResponseRecord): void {
    this.upsertResponse.run({ ...r, runId, cached: r.cached ? 1 : 0, createdAt: new Date().toISOString() });
  }

  /** Persist one judgment; callers batch these inside their own transaction (the write queue's). */
  saveJudgment(runId: string, j: JudgmentRecord): void {
    this.upsertJudgment.run(runId, j.caseId, j.model, j.judge, j.label, j.score, j.reason, j.answer ?? null, new Date().toISOString());
  }

  saveJudgments(runId: string, judgments: JudgmentRecord[]): void {
    const now = new Date().toISOString();
    this.db.transaction(() => {
      for (const j of judgments) this.upsertJudgment.run(runId, j.caseId, j.model, j.judge, j.label, j.score, j.reason, j.answer ?? null, now);
    })();
  }

  /**
   * Responses that need a judgment (none yet, or the response changed since: an errored call answered on resume),
   * each with its case, a page at a time.
   */
  unjudged(runId: string, afterRowid: number, pageSize: number): (ResponseRecord & { rowid: number; case: StoredCase })[] {
    const rows = this.db
      .prepare(
        `SELECT r.rowid AS rowid, r.*, c.seq, c.dimension, c.subdimension, c.modality, c.messages_json, c.judge_json, c.tags_json, c.provenance_json, c.expected_json
         FROM responses r JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id
         ${JUDGMENT_OF_CURRENT_RESPONSE}
         WHERE r.run_id = ? AND r.rowid > ? AND j.case_id IS NULL ORDER BY r.rowid LIMIT ?`,
      )
      .all(runId, afterRowid, pageSize) as Record<string, unknown>[];
    return rows.map((row) => ({ ...toRecord(row), rowid: row.rowid as number, case: caseFromRow(row as unknown as CaseRow) }));
  }

  countUnjudged(runId: string): number {
    return (this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM responses r
         ${JUDGMENT_OF_CURRENT_RESPONSE}
         WHERE r.run_id = ? AND j.case_id IS NULL`,
      )
      .get(runId) as { n: number }).n;
  }

  /**
   * Every judged case of a run for a model with the facets scoring needs, a page at a time.
   * `humanLabels`: where a person annotated the judgement as wrong, the annotation's label and score replace the judge's.
   */
  judgedPage(runId: string, model: string, afterSeq: number, pageSize: number, opts: { humanLabels?: boolean } = {}): JudgedRow[] {
    const human = opts.humanLabels === true;
    return this.db
      .prepare(
        `SELECT c.seq, c.case_id, c.dimension, c.subdimension, c.tags_json, c.judge_json, r.status, r.finish_reason,
           ${human ? "CASE WHEN a.verdict = 'wrong' THEN a.label ELSE j.label END AS label, CASE WHEN a.verdict = 'wrong' THEN a.score ELSE j.score END AS score" : 'j.label, j.score'}, j.answer
         FROM cases c
         JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id AND r.model = ?
         LEFT JOIN judgments j ON j.run_id = c.run_id AND j.case_id = c.case_id AND j.model = r.model
         ${human ? 'LEFT JOIN annotations a ON a.run_id = c.run_id AND a.case_id = c.case_id AND a.model = r.model' : ''}
         WHERE c.run_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?`,
      )
      .all(model, runId, afterSeq, pageSize) as JudgedRow[];
  }

  counts(runId: string): { total: number; errors: number; cached: number; policy: number; inputTokens: number; outputTokens: number } {
    return this.db
      .prepare(
        `SELECT COUNT(*) AS total, COALESCE(SUM(status = 'error'), 0) AS errors, COALESCE(SUM(cached), 0) AS cached,
           COALESCE(SUM(finish_reason = 'policy'), 0) AS policy, COALESCE(SUM(input_tokens), 0) AS inputTokens, COALESCE(SUM(output_tokens), 0) AS outputTokens
         FROM responses WHERE run_id = ?`,
      )
      .get(runId) as { total: number; errors: number; cached: number; policy: number; inputTokens: number; outputTokens: number };
  }

  /**
   * The worst failures for the report: judged cases whose verdict is not the trustworthy one, the first
   * `perSubdimension` of each sub-dimension in build order, leaving out the sub-dimensions in `skip`
   * ("dimension/subdimension" keys: pair metrics pick their own failures).
   */
  failures(runId: string, model: string, perSubdimension: number, skip: string[] = []): FailureRow[] {
    return this.db
      .prepare(
        `SELECT * FROM (
           SELECT c.seq, c.case_id, c.dimension, c.subdimension, c.tags_json, c.provenance_json, c.messages_json, r.text, r.finish_reason, j.label, j.reason,
             ROW_NUMBER() OVER (PARTITION BY c.dimension, c.subdimension ORDER BY c.seq) AS nth
           FROM judgments j
           JOIN cases c ON c.run_id = j.run_id AND c.case_id = j.case_id
           JOIN responses r ON r.run_id = j.run_id AND r.case_id = j.case_id AND r.model = j.model
           WHERE j.run_id = ? AND j.model = ? AND j.score = 0
             AND (c.dimension || '/' || c.subdimension) NOT IN (SELECT value FROM json_each(?))
         ) WHERE nth <= ? ORDER BY seq`,
      )
      .all(runId, model, JSON.stringify(skip), perSubdimension) as FailureRow[];
  }

  /** The same rows for given cases (failures a pair metric picked), in build order. */
  failuresByCase(runId: string, model: string, caseIds: string[]): FailureRow[] {
    if (caseIds.length === 0) return [];
    return this.db
      .prepare(
        `SELECT c.seq, c.case_id, c.dimension, c.subdimension, c.tags_json, c.provenance_json, c.messages_json, r.text, r.finish_reason, j.label, j.reason
         FROM cases c
         JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id AND r.model = ?
         JOIN judgments j ON j.run_id = c.run_id AND j.case_id = c.case_id AND j.model = r.model
         WHERE c.run_id = ? AND c.case_id IN (SELECT value FROM json_each(?))
         ORDER BY c.seq`,
      )
      .all(model, runId, JSON.stringify(caseIds)) as FailureRow[];
  }
}

export interface JudgedRow {
  seq: number; case_id: string; dimension: string; subdimension: string; tags_json: string; judge_json: string;
  status: string; finish_reason: string | null; label: string | null; score: number | null; answer: string | null;
}

export interface FailureRow {
  seq: number; case_id: string; dimension: string; subdimension: string; tags_json: string; provenance_json: string; messages_json: string;
  text: string | null; finish_reason: string | null; label: string; reason: string | null;
}

function toRecord(row: Record<string, unknown>): ResponseRecord {
  return {
    caseId: row.case_id as string,
    model: row.model as string,
    status: row.status as 'ok' | 'error',
    text: row.text as string | null,
    finishReason: row.finish_reason as string | null,
    policyDetail: row.policy_detail as string | null,
    error: row.error as string | null,
    inputTokens: row.input_tokens as number | null,
    outputTokens: row.output_tokens as number | null,
    latencyMs: row.latency_ms as number | null,
    attempts: row.attempts as number,
    cached: !!row.cached,
    requestHash: row.request_hash as string,
  };
}
