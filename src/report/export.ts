/**
 * Export a stored run's cases with each model's response and judgement, as JSON, JSONL or CSV.
 * Rows are read page by page (keyset pagination on case order and model) and written as they come,
 * so a 100,000-case run is never held in memory whole.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Db } from '../store/db.js';

export const EXPORT_FORMATS = ['json', 'jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One case answered by one model, with its judgement (null fields when not judged). */
export interface ExportRow {
  runId: string;
  caseId: string;
  model: string;
  dimension: string;
  subdimension: string;
  modality: string;
  tags: Record<string, string>;
  /** The variation chain from the case's provenance (empty for an original case). */
  variations: string[];
  /** The messages sent, as stored. */
  messages: unknown[];
  /** The messages as text: "[role] content" per line; images shown as [image]. */
  prompt: string;
  status: string;
  response: string | null;
  finishReason: string | null;
  error: string | null;
  judge: string | null;
  label: string | null;
  score: number | null;
  reason: string | null;
  /** The answer the judge read from the response, when it reads one. */
  answer: string | null;
  /** A person's annotation of the judgement (`trustgen view`): 'correct' or 'wrong', else null. */
  humanVerdict: string | null;
  /** With 'wrong': the right label and whether it passes (1 or 0). */
  humanLabel: string | null;
  humanScore: number | null;
  humanNote: string | null;
}

/** The CSV columns, in order. Object fields (tags, variations, messages) are JSON text. */
export const CSV_COLUMNS: readonly (keyof ExportRow)[] = [
  'runId', 'caseId', 'model', 'dimension', 'subdimension', 'modality', 'tags', 'variations', 'messages', 'prompt',
  'status', 'response', 'finishReason', 'error', 'judge', 'label', 'score', 'reason', 'answer',
  'humanVerdict', 'humanLabel', 'humanScore', 'humanNote',
];

interface Row {
  seq: number; case_id: string; model: string; dimension: string; subdimension: string; modality: string;
  tags_json: string; provenance_json: string; messages_json: string;
  status: string; text: string | null; finish_reason: string | null; error: string | null;
  judge: string | null; label: string | null; score: number | null; reason: string | null; answer: string | null;
  h_verdict: string | null; h_label: string | null; h_score: number | null; h_note: string | null;
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p: { type?: string; text?: unknown }) => (p?.type === 'text' ? String(p.text ?? '') : '[image]')).join('\n');
  }
  return '';
}

function toExportRow(runId: string, r: Row): ExportRow {
  const messages = JSON.parse(r.messages_json) as { role: string; content: unknown }[];
  const provenance = JSON.parse(r.provenance_json) as { variations?: string[] };
  return {
    runId,
    caseId: r.case_id,
    model: r.model,
    dimension: r.dimension,
    subdimension: r.subdimension,
    modality: r.modality,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    variations: provenance.variations ?? [],
    messages,
    prompt: messages.map((m) => `[${m.role}] ${contentText(m.content)}`).join('\n'),
    status: r.status,
    response: r.text,
    finishReason: r.finish_reason,
    error: r.error,
    judge: r.judge,
    label: r.label,
    score: r.score,
    reason: r.reason,
    answer: r.answer,
    humanVerdict: r.h_verdict,
    humanLabel: r.h_label,
    humanScore: r.h_score,
    humanNote: r.h_note,
  };
}

/** Pages of a run's rows (every stored response of every model, in case order), `pageSize` at a time. */
export function* exportPages(db: Db, runId: string, pageSize = 500): Generator<ExportRow[]> {
  const stmt = db.prepare(
    `SELECT c.seq, c.case_id, r.model, c.dimension, c.subdimension, c.modality, c.tags_json, c.provenance_json, c.messages_json,
       r.status, r.text, r.finish_reason, r.error, j.judge, j.label, j.score, j.reason, j.answer,
       a.verdict AS h_verdict, a.label AS h_label, a.score AS h_score, a.note AS h_note
     FROM cases c
     JOIN responses r ON r.run_id = c.run_id AND r.case_id = c.case_id
     LEFT JOIN judgments j ON j.run_id = r.run_id AND j.case_id = r.case_id AND j.model = r.model
     LEFT JOIN annotations a ON a.run_id = r.run_id AND a.case_id = r.case_id AND a.model = r.model
     WHERE c.run_id = @run AND (c.seq > @seq OR (c.seq = @seq AND r.model > @model))
     ORDER BY c.seq, r.model LIMIT @limit`,
  );
  let seq = -1;
  let model = '';
  for (;;) {
    const rows = stmt.all({ run: runId, seq, model, limit: pageSize }) as Row[];
    if (rows.length === 0) return;
    const last = rows[rows.length - 1];
    seq = last.seq;
    model = last.model;
    yield rows.map((r) => toExportRow(runId, r));
    if (rows.length < pageSize) return;
  }
}

/** One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF (or leading/trailing space); quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A CSV record ending in CRLF. */
export function csvRecord(fields: string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** A row as CSV field texts: null is empty, objects are JSON. */
export function csvValues(row: ExportRow): string[] {
  return CSV_COLUMNS.map((k) => {
    const v = row[k];
    if (v === null || v === undefined) return '';
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  });
}

async function write(out: Writable, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/**
 * Write a run's export to `out` in the format asked, page by page (honouring back-pressure). Returns the row count.
 * json: { "runId": ..., "rows": [ ... ] }; jsonl: one row object per line; csv: a header line, then one record per row.
 */
export async function writeExport(db: Db, runId: string, format: ExportFormat, out: Writable, pageSize = 500): Promise<number> {
  let count = 0;
  if (format === 'csv') await write(out, csvRecord([...CSV_COLUMNS]));
  if (format === 'json') await write(out, `{"runId":${JSON.stringify(runId)},"rows":[`);
  for (const page of exportPages(db, runId, pageSize)) {
    let chunk = '';
    for (const row of page) {
      if (format === 'csv') chunk += csvRecord(csvValues(row));
      else if (format === 'jsonl') chunk += `${JSON.stringify(row)}\n`;
      else chunk += `${count === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`;
      count++;
    }
    await write(out, chunk);
  }
  if (format === 'json') await write(out, `${count ? '\n' : ''}]}\n`);
  return count;
}
