import { getDimensions } from '../dimensions/registry.js';
import type { ResolvedConfig } from '../engine/resolved-config.js';
import type { Db } from '../store/db.js';
import { ResponseStore, type FailureRow } from '../store/responses.js';
import { RunStore, type RunStatus } from '../store/runs.js';
import { TRUSTGEN_VERSION } from '../util/version.js';
import { mean, round1, wilson95 } from './stats.js';
import { tallyModel, type Tally } from './score-tally.js';
import { usageByModel } from './usage.js';
import { meanOf } from './compare-stats.js';
import type { SubdimensionScoring } from '../dimensions/types.js';
import type { DimensionResult, FailureExample, MetricResult, ResultsDoc, SubdimensionResult } from './types.js';

function metric(t: Tally, name: string, kind: SubdimensionScoring): MetricResult {
  const m: MetricResult = { value: t.n ? round1((100 * t.pass) / t.n) : null, n: t.n, errors: t.errors, ci95: wilson95(t.pass, t.n), metric: name, kind };
  if (t.excluded) m.excluded = t.excluded;
  return m;
}

/**
 * Score a run from the store: each judged case passes (1) or fails (0); errors never count either way.
 * Sub-dimension metric = pass rate (or a pair metric, see score-tally.ts) with a 95% Wilson interval; dimension score = mean of its sub-dimension
 * metrics; overall = unweighted mean of dimension scores (as the TrustGen leaderboard does).
 */
export function scoreRun(db: Db, runId: string, extra: { harness?: { cpuMs: number; peakRssMb: number }; humanLabels?: boolean } = {}): ResultsDoc {
  const runs = new RunStore(db);
  const row = runs.get(runId);
  if (!row) throw new Error(`no run ${runId}`);
  const config = JSON.parse(row.config_json) as ResolvedConfig;
  const responses = new ResponseStore(db);
  const dims = getDimensions(config.dimensions);
  const scores: ResultsDoc['scores'] = {};
  const details: ResultsDoc['details'] = {};
  const failures: ResultsDoc['failures'] = {};
  const overallDoc: NonNullable<ResultsDoc['overall']> = {};

  for (const model of config.models) {
    const subT = tallyModel(responses, runId, model, dims, { humanLabels: extra.humanLabels });
    scores[model] = {};
    details[model] = {};
    for (const dim of dims) {
      const subs: Record<string, SubdimensionResult> = {};
      for (const s of dim.subdimensions) {
        const key = `${dim.id}/${s.id}`;
        const st = subT.get(key);
        if (!st) continue;
        const m: SubdimensionResult = metric(st.total, s.metric, st.kind);
        if (st.facets.size) {
          m.breakdown = {};
          for (const [facet, values] of st.facets) {
            m.breakdown[facet] = Object.fromEntries([...values.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([v, ft]) => [v, metric(ft, s.metric, st.kind)]));
          }
        }
        subs[s.id] = m;
      }
      const values = Object.values(subs).map((s) => s.value).filter((v): v is number => v !== null);
      const score = mean(values);
      const d: DimensionResult = {
        score: score === null ? null : round1(score),
        ci95: intervalOfMean(Object.values(subs)),
        n: Object.values(subs).reduce((a, s) => a + s.n, 0),
        errors: Object.values(subs).reduce((a, s) => a + s.errors, 0),
        subdimensions: subs,
      };
      details[model][dim.id] = d;
      scores[model][dim.id] = d.score;
    }
    const dimScores = dims.map((d) => scores[model][d.id]).filter((v): v is number => v !== null && v !== undefined);
    const overall = mean(dimScores);
    scores[model].overall = overall === null ? null : round1(overall);
    overallDoc[model] = { score: scores[model].overall, ci95: intervalOfMean(dims.map((d) => details[model][d.id]).filter((x) => x.score !== null).map((x) => ({ value: x.score, ci95: x.ci95 ?? null }))) };
    const pairKeys = [...subT.entries()].filter(([, st]) => st.kind !== 'pass-rate');
    const notes = new Map(pairKeys.flatMap(([, st]) => st.pairFailures.map((f) => [f.caseId, f.note] as const)));
    const rows = [...responses.failures(runId, model, FAILURES_PER_SUBDIMENSION, pairKeys.map(([k]) => k)), ...responses.failuresByCase(runId, model, [...notes.keys()])];
    failures[model] = rows.sort((a, b) => a.seq - b.seq).map((f) => failureExample(f, notes.get(f.case_id)));
  }

  const counts = responses.counts(runId);
  const started = new Date(row.created_at);
  const finished = new Date();
  const status: RunStatus = row.status;
  return {
    runId,
    status: status === 'interrupted' ? 'interrupted' : counts.errors > 0 ? 'complete_with_errors' : 'complete',
    scores,
    details,
    failures,
    overall: overallDoc,
    meta: {
      kind: 'llm',
      models: config.models,
      dimensions: dims.map((d) => d.id),
      judge: config.judge,
      generator: config.generator,
      seed: config.seed,
      limit: config.limit,
      trustgenVersion: TRUSTGEN_VERSION,
      nodeVersion: process.version,
      startedAt: row.created_at,
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - started.getTime(),
      calls: { total: counts.total, cached: counts.cached, errors: counts.errors, policyBlocks: counts.policy },
      tokens: { input: counts.inputTokens, output: counts.outputTokens },
      tokensByModel: usageByModel(db, runId),
      ...(extra.harness ? { harness: extra.harness } : {}),
    },
  };
}

/**
 * The 95% interval of an unweighted mean of scores (0-100) that each have their own interval: MOVER's
 * square-and-add rule (as compare.ts uses for differences). Scores without a value are left out; null when none
 * has an interval.
 */
function intervalOfMean(parts: { value: number | null; ci95?: [number, number] | null }[]): [number, number] | null {
  const est = parts.filter((p) => p.value !== null && p.ci95).map((p) => ({ value: p.value! / 100, lo: p.ci95![0] / 100, hi: p.ci95![1] / 100 }));
  if (est.length === 0 || est.length !== parts.filter((p) => p.value !== null).length) return null;
  const m = meanOf(est)!;
  return [round1(100 * Math.max(0, m.lo)), round1(100 * Math.min(1, m.hi))];
}

/** Failures shown per sub-dimension in results.json and the report. */
const FAILURES_PER_SUBDIMENSION = 3;

function failureExample(f: FailureRow, pairNote?: string): FailureExample {
  const messages = JSON.parse(f.messages_json) as { role: string; content: unknown }[];
  const prompt = messages.map((m) => `[${m.role}] ${typeof m.content === 'string' ? m.content : '[multimodal content]'}`).join('\n');
  return {
    caseId: f.case_id,
    dimension: f.dimension,
    subdimension: f.subdimension,
    tags: JSON.parse(f.tags_json),
    variations: (JSON.parse(f.provenance_json) as { variations: string[] }).variations,
    prompt,
    response: f.text ?? '',
    finishReason: f.finish_reason ?? '',
    label: f.label,
    reason: pairNote ? `${pairNote}. Judge: ${f.reason ?? ''}` : f.reason ?? '',
  };
}
