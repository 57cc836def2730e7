/**
 * How good a judge is: agreement with human labels (accuracy, a confusion matrix) and with another
 * judge (raw agreement, Cohen's kappa). Pure functions over label lists, plus the text the CLI prints.
 */
import { REFUSAL_LABELS } from './types.js';

/** A human label as a judge would write it: "1_full_compliance" -> "full_compliance", "Full Refusal" -> "full_refusal". */
export function normaliseLabel(label: string): string {
  return label.trim().toLowerCase().replace(/[\s-]+/g, '_').replace(/^\d+_/, '');
}

function sameLength(a: readonly string[], b: readonly string[]): void {
  if (a.length !== b.length) throw new Error(`label lists differ in length: ${a.length} and ${b.length}`);
}

/** The share of positions where the two lists hold the same label (NaN for empty lists). */
export function accuracy(truth: readonly string[], predicted: readonly string[]): number {
  sameLength(truth, predicted);
  if (truth.length === 0) return NaN;
  let hit = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hit++;
  return hit / truth.length;
}

export interface ConfusionMatrix {
  /** Labels in row and column order (`labels` given first, then any other seen, sorted). */
  labels: string[];
  /** counts[i][j]: rows whose truth is labels[i] and prediction labels[j]. */
  counts: number[][];
}

/** Rows: truth (e.g. human); columns: predicted (e.g. judge). */
export function confusionMatrix(truth: readonly string[], predicted: readonly string[], labels: readonly string[] = []): ConfusionMatrix {
  sameLength(truth, predicted);
  const seen = [...new Set([...truth, ...predicted])].filter((l) => !labels.includes(l)).sort();
  const all = [...labels, ...seen];
  const at = new Map(all.map((l, i) => [l, i]));
  const counts = all.map(() => all.map(() => 0));
  for (let i = 0; i < truth.length; i++) counts[at.get(truth[i])!][at.get(predicted[i])!]++;
  return { labels: all, counts };
}

/**
 * Cohen's kappa: agreement between two raters beyond what chance gives, (po - pe) / (1 - pe).
 * 1 is perfect agreement, 0 chance level, below 0 worse than chance. NaN when it is undefined
 * (no rows, or both raters always give the one same label, so pe = 1).
 */
export function cohensKappa(a: readonly string[], b: readonly string[]): number {
  sameLength(a, b);
  const n = a.length;
  if (n === 0) return NaN;
  const ca = new Map<string, number>();
  const cb = new Map<string, number>();
  let agree = 0;
  for (let i = 0; i < n; i++) {
    ca.set(a[i], (ca.get(a[i]) ?? 0) + 1);
    cb.set(b[i], (cb.get(b[i]) ?? 0) + 1);
    if (a[i] === b[i]) agree++;
  }
  const po = agree / n;
  let pe = 0;
  for (const [label, k] of ca) pe += (k / n) * ((cb.get(label) ?? 0) / n);
  if (pe === 1) return NaN;
  return (po - pe) / (1 - pe);
}

/** Refusal labels to comply / refuse: binary accuracy counts any refusal as one class. */
export const binaryRefusal = (label: string): string => (label === 'full_compliance' ? 'comply' : 'refuse');

export function isRefusalLabelSet(labels: readonly string[]): boolean {
  return REFUSAL_LABELS.every((l) => labels.includes(l)) && labels.every((l) => (REFUSAL_LABELS as readonly string[]).includes(l));
}

export interface HumanQuality {
  judge: string;
  /** Rows compared: a human label and a judge label other than "error". */
  n: number;
  accuracy: number;
  /** Refusal judges: comply vs any refusal. */
  binaryAccuracy?: number;
  /** Rows: human labels; columns: judge labels. */
  confusion: ConfusionMatrix;
  leftOut: { noHumanLabel: number; judgeError: number };
}

/** Compare judge labels with human labels (normalised); rows without a human label or with a judge error are left out and counted. */
export function humanQuality(judge: string, judgeLabels: readonly string[], human: readonly string[], labelSet: readonly string[]): HumanQuality {
  sameLength(judgeLabels, human);
  const t: string[] = [];
  const p: string[] = [];
  let noHumanLabel = 0;
  let judgeError = 0;
  for (let i = 0; i < human.length; i++) {
    const h = normaliseLabel(human[i]);
    if (!h) { noHumanLabel++; continue; }
    if (judgeLabels[i] === 'error') { judgeError++; continue; }
    t.push(h);
    p.push(judgeLabels[i]);
  }
  const out: HumanQuality = { judge, n: t.length, accuracy: accuracy(t, p), confusion: confusionMatrix(t, p, labelSet), leftOut: { noHumanLabel, judgeError } };
  if (isRefusalLabelSet(labelSet)) out.binaryAccuracy = accuracy(t.map(binaryRefusal), p.map(binaryRefusal));
  return out;
}

export interface JudgeAgreement {
  judges: [string, string];
  /** Rows where both judges gave a label (no "error"). */
  n: number;
  agreement: number;
  kappa: number;
  /** Rows: the first judge; columns: the second. */
  confusion: ConfusionMatrix;
  leftOut: { judgeError: number };
}

/** Agreement and Cohen's kappa between two judges on the same rows; rows where either failed are left out. */
export function judgeAgreement(ids: [string, string], a: readonly string[], b: readonly string[], labelSet: readonly string[] = []): JudgeAgreement {
  sameLength(a, b);
  const x: string[] = [];
  const y: string[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== 'error' && b[i] !== 'error') { x.push(a[i]); y.push(b[i]); }
  return { judges: ids, n: x.length, agreement: accuracy(x, y), kappa: cohensKappa(x, y), confusion: confusionMatrix(x, y, labelSet), leftOut: { judgeError: a.length - x.length } };
}

export const fmt = (x: number | undefined, digits = 4): string => (x === undefined || Number.isNaN(x) ? 'undefined' : x.toFixed(digits));

/** A confusion matrix as an aligned text table. */
export function formatMatrix(m: ConfusionMatrix, rowTitle: string, colTitle: string): string {
  const head = `${rowTitle} \\ ${colTitle}`;
  const w0 = Math.max(head.length, ...m.labels.map((l) => l.length));
  const ws = m.labels.map((l, j) => Math.max(l.length, ...m.counts.map((r) => String(r[j]).length)));
  const line = (first: string, cells: string[]) => [first.padEnd(w0), ...cells.map((c, j) => c.padStart(ws[j]))].join('  ');
  return [line(head, m.labels), ...m.labels.map((l, i) => line(l, m.counts[i].map(String)))].join('\n');
}

export function formatHumanQuality(q: HumanQuality): string {
  const lines = [`judge ${q.judge} vs human labels: ${q.n} rows`, `accuracy: ${fmt(q.accuracy)}`];
  if (q.binaryAccuracy !== undefined) lines.push(`binary accuracy (comply vs any refusal): ${fmt(q.binaryAccuracy)}`);
  if (q.leftOut.noHumanLabel || q.leftOut.judgeError) lines.push(`left out: ${q.leftOut.noHumanLabel} rows without a human label, ${q.leftOut.judgeError} judge errors`);
  lines.push('confusion matrix (rows: human, columns: judge):', formatMatrix(q.confusion, 'human', 'judge'));
  return lines.join('\n');
}

export function formatAgreement(a: JudgeAgreement): string {
  const lines = [`judge ${a.judges[0]} vs judge ${a.judges[1]}: ${a.n} rows`, `agreement: ${fmt(a.agreement)}`, `cohen's kappa: ${fmt(a.kappa)}`];
  if (a.leftOut.judgeError) lines.push(`left out: ${a.leftOut.judgeError} rows where a judge failed`);
  lines.push(`confusion matrix (rows: ${a.judges[0]}, columns: ${a.judges[1]}):`, formatMatrix(a.confusion, a.judges[0], a.judges[1]));
  return lines.join('\n');
}
