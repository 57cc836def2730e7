import { randomBytes } from 'node:crypto';
import type { Env, ChatProvider } from '../providers/types.js';
import { UserInputError } from '../providers/types.js';
import { createProvider } from '../providers/registry.js';
import { parseModelSpec } from '../providers/spec.js';
import { ResponseCache } from '../store/cache.js';
import { WriteQueue } from '../store/write-queue.js';
import { CaseStore, type StoredCase } from '../store/cases.js';
import type { Db } from '../store/db.js';
import { ResponseStore, type ResponseRecord } from '../store/responses.js';
import { RunStore, type RunStatus } from '../store/runs.js';
import { ModelCaller, RunAborted } from './caller.js';
import { Generator } from './generator.js';
import { AdaptiveLimiter } from './limiter.js';
import { paged, runPool } from './pool.js';
import type { ProgressSink } from './progress.js';
import { endpointScope } from './request-key.js';
import type { ResolvedConfig } from './resolved-config.js';
import { buildCases } from './build-stage.js';
import { streamTestSet } from '../core/test-set.js';
import { judgeResponse, judgesAreOffline, judgeStage, makeJudges, type JudgeSet } from './judge-stage.js';
import { TRUSTGEN_VERSION } from '../util/version.js';

export interface RunRequest {
  db: Db;
  config: ResolvedConfig;
  env: Env;
  home: string;
  progress: ProgressSink;
  signal: AbortSignal;
  /** Continue this run instead of starting a new one. */
  resumeId?: string;
}

export interface RunOutcome { runId: string; status: RunStatus; errors: number }

export class RunInterrupted extends Error {
  constructor(readonly runId: string) { super(`run ${runId} interrupted`); this.name = 'RunInterrupted'; }
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Build one ModelCaller per model spec, each with its own concurrency limit. */
export function makeCaller(spec: string, req: Pick<RunRequest, 'config' | 'env' | 'home' | 'signal'>, cache: ResponseCache, progress?: ProgressSink): ModelCaller {
  const parsed = parseModelSpec(spec);
  const provider = createProvider(spec, { env: req.env, timeoutMs: req.config.timeoutMs, home: req.home });
  if (provider.kind !== 'chat') throw new UserInputError(`${spec} is an image model; the LLM dimensions need a chat model.`);
  const chat = provider as ChatProvider;
  return new ModelCaller(chat, {
    limiter: new AdaptiveLimiter(Math.min(req.config.concurrency, chat.maxConcurrency ?? Infinity)),
    retry: { retries: req.config.retries, baseDelayMs: 500, maxDelayMs: 30_000 },
    timeoutMs: req.config.timeoutMs,
    cache,
    readCache: req.config.cache,
    scope: endpointScope(parsed.prefix, req.env),
    signal: req.signal,
    onRetry: progress ? (err, attempt, delay) => { if (attempt === 1 && process.env.TRUSTGEN_DEBUG) progress.log(`retry ${spec}: ${(err as Error).message} (in ${delay} ms)`); } : undefined,
  });
}

/** Run (or resume) the staged pipeline: curate, build, vary, respond, judge, score. */
export async function executeRun(req: RunRequest): Promise<RunOutcome> {
  const { db, config, progress, signal } = req;
  const runs = new RunStore(db);
  const caseStore = new CaseStore(db);
  const responses = new ResponseStore(db);
  const writes = new WriteQueue(db);
  const cache = new ResponseCache(db, writes);

  const callers = new Map<string, ModelCaller>();
  const callerFor = (spec: string) => {
    let c = callers.get(spec);
    if (!c) { c = makeCaller(spec, req, cache, progress); callers.set(spec, c); }
    return c;
  };
  // Providers are created up front so a bad spec or a missing key fails before any work, and before a new run is recorded.
  let judges: JudgeSet;
  try {
    for (const m of config.models) callerFor(m);
    judges = makeJudges(config.judge, (spec) => callerFor(spec));
  } catch (e) {
    await Promise.all([...callers.values()].map((c) => c.provider.close?.().catch(() => undefined)));
    throw e;
  }

  let runId: string;
  if (req.resumeId) {
    runId = req.resumeId;
    const row = runs.get(runId);
    if (!row) throw new UserInputError(`No run "${runId}" in ${req.home}. List runs with \`trustgen list runs\`.`);
    runs.setStatus(runId, 'running');
    progress.log(`Resuming run ${runId}`);
  } else {
    runId = newRunId();
    runs.create(runId, config, config.seed, TRUSTGEN_VERSION);
    progress.log(`Run ${runId}`);
  }

  try {

    // curate, build, vary (or a saved test set)
    if (!runs.isStageDone(runId, 'vary')) {
      const generator = config.generator ? new Generator(callerFor(config.generator), config.seed) : undefined;
      const built = config.casesFile
        ? undefined
        : await buildCases({ dimensions: config.dimensions, seed: config.seed, limit: config.limit, options: config.options, variation: config.variation, generator, judge: config.judge, log: (m) => progress.log(m), signal });
      if (signal.aborted) throw new RunAborted();
      const stored = built ? caseStore.insertAll(runId, built.cases) : insertSavedCases(db, caseStore, runId, config.casesFile!, config.casesHash ?? null);
      const counts = built?.counts ?? { curated: 0, built: stored, varied: stored, removed: 0 };
      db.transaction(() => {
        runs.stageDone(runId, 'curate', counts.curated);
        runs.stageDone(runId, 'build', counts.built);
        runs.stageDone(runId, 'vary', stored);
      })();
      progress.log(config.casesFile
        ? `Loaded ${caseStore.count(runId)} cases from ${config.casesFile}`
        : `Built ${caseStore.count(runId)} cases (${counts.curated} metadata items, ${counts.built} base cases, ${counts.varied} varied, ${counts.removed} filtered out)`);
    }

    // respond
    const total = caseStore.count(runId) * config.models.length;
    progress.start('respond', total);
    const doneAlready = responses.counts(runId);
    progress.tick({ done: doneAlready.total - doneAlready.errors });
    try {
      // Offline judges judge each answer as it arrives (overlapping the wait for the next); model judges run after.
      const inline = judgesAreOffline(judges) ? judges : undefined;
      await Promise.all(config.models.map((model) => respondModel(runId, model, callerFor(model), caseStore, responses, writes, config, progress, inline)));
    } finally {
      writes.flush();
    }
    if (signal.aborted) throw new RunAborted();
    progress.stop();
    runs.stageDone(runId, 'respond', responses.counts(runId).total);

    // judge
    const judged = await judgeStage(runId, responses, judges, config, progress);
    if (signal.aborted) throw new RunAborted();
    runs.stageDone(runId, 'judge', judged);
    const counts = responses.counts(runId);
    return { runId, status: counts.errors > 0 ? 'complete_with_errors' : 'complete', errors: counts.errors };
  } catch (e) {
    progress.stop();
    if (e instanceof RunAborted || signal.aborted) {
      runs.setStatus(runId, 'interrupted');
      throw new RunInterrupted(runId);
    }
    // Bad input found while building a new run (a dataset, a data file): nothing was stored, so no run is left behind.
    if (e instanceof UserInputError && !req.resumeId && caseStore.count(runId) === 0) runs.remove(runId);
    else runs.setStatus(runId, 'failed');
    throw e;
  } finally {
    // Answers from the judge and generator models are queued for the cache too: commit them before returning.
    writes.flush();
    await Promise.all([...callers.values()].map((c) => c.provider.close?.().catch(() => undefined)));
  }
}

async function respondModel(runId: string, model: string, caller: ModelCaller, cases: CaseStore, responses: ResponseStore, writes: WriteQueue, config: ResolvedConfig, progress: ProgressSink, inlineJudges?: JudgeSet): Promise<void> {
  /** Save a response, and its judgment right after it (same write batch, so the judgment is never older). */
  const save = async (c: StoredCase, record: ResponseRecord) => {
    const judgment = inlineJudges ? await judgeResponse(c, record, inlineJudges) : undefined;
    writes.push(() => {
      responses.saveResponse(runId, record);
      if (judgment) responses.saveJudgment(runId, judgment);
    });
  };
  const next = paged<StoredCase>((after) => cases.pendingForModel(runId, model, after, 500), (c) => c.seq);
  await runPool(next, config.concurrency, async (c) => {
    let out;
    try {
      out = await caller.chat(c.messages, config.params);
    } catch (e) {
      if (e instanceof RunAborted) throw e;
      out = { ok: false as const, error: (e as Error).message, code: 'error', attempts: 1, cached: false as const, key: caller.keyFor(c.messages, config.params) };
    }
    if (out.ok) {
      const r = out.result;
      const cached = out.cached, attempts = out.attempts, key = out.key;
      await save(c, {
        caseId: c.id, model, status: 'ok', text: r.text, finishReason: r.finishReason, policyDetail: r.policyDetail ?? null, error: null,
        inputTokens: r.usage?.inputTokens ?? null, outputTokens: r.usage?.outputTokens ?? null, latencyMs: cached ? 0 : r.latencyMs,
        attempts, cached, requestHash: key,
      });
      progress.tick({ done: 1, cached: cached ? 1 : 0 });
    } else {
      const error = `${out.code}: ${out.error}`, attempts = out.attempts, key = out.key;
      await save(c, {
        caseId: c.id, model, status: 'error', text: null, finishReason: null, policyDetail: null, error,
        inputTokens: null, outputTokens: null, latencyMs: null, attempts, cached: false, requestHash: key,
      });
      progress.tick({ done: 1, errors: 1 });
    }
  });
}

/**
 * Store the cases of a set written by `trustgen generate`, a batch at a time inside one transaction (a
 * 100,000-case set never sits in memory whole); the hash recorded when the run started must still match.
 */
function insertSavedCases(db: Db, caseStore: CaseStore, runId: string, file: string, expectedHash: string | null): number {
  let stored = 0;
  db.transaction(() => {
    const header = streamTestSet(file, (cases, first) => { stored += caseStore.insertAll(runId, cases, first); });
    if (expectedHash && header.hash !== expectedHash) {
      throw new UserInputError(`${file}: the test set changed since this run started (hash ${header.hash.slice(0, 12)}..., run has ${expectedHash.slice(0, 12)}...).`);
    }
  })();
  return stored;
}
