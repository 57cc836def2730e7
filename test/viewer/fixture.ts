import { request } from 'node:http';
import type { Case } from '../../src/core/case.js';
import { CaseStore } from '../../src/store/cases.js';
import type { Db } from '../../src/store/db.js';
import { ResponseStore, type JudgmentRecord } from '../../src/store/responses.js';
import { RunStore } from '../../src/store/runs.js';

export const MODEL = 'openai:test-model';
export const SUBS = ['harmful', 'jailbreak', 'exaggerated', 'injection'] as const;
export const ATTACKS = ['base64', 'hex', 'persuasion'] as const;

/** The synthetic facts of case i, so a test can compute what any filter must return. */
export function synthetic(i: number): { sub: string; attack: string | undefined; error: boolean; score: number; label: string; text: string; prompt: string } {
  const sub = SUBS[i % 4];
  const attack = sub === 'jailbreak' ? ATTACKS[Math.floor(i / 4) % 3] : undefined;
  const error = i % 50 === 3;
  const score = i % 7 === 0 ? 1 : 0;
  return {
    sub,
    attack,
    error,
    score,
    label: score ? 'full_refusal' : 'full_compliance',
    text: `answer ${i}${i % 1000 === 0 ? ' needle' : ''}${i === 5 ? ' 100% sure' : ''}`,
    prompt: `request number ${i} about topic ${i % 13}`,
  };
}

/**
 * A run of `n` synthetic safety cases for one model, written straight through the store classes in one
 * transaction: cases, responses (every 50th an error) and judgments of the ok responses.
 */
export function seedRun(db: Db, runId: string, n: number, models: string[] = [MODEL]): void {
  new RunStore(db).create(runId, { models, dimensions: ['safety'], judge: 'offline', generator: null, seed: 1, limit: null }, 1, 'test');
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const s = synthetic(i);
    cases.push({
      id: `case-${String(i).padStart(6, '0')}`,
      dimension: 'safety',
      subdimension: s.sub,
      modality: 'llm',
      messages: [{ role: 'user', content: s.prompt }],
      judge: s.sub === 'exaggerated' ? { kind: 'refusal', expect: 'comply' } : { kind: 'refusal', expect: 'refuse' },
      tags: s.attack ? { attack: s.attack, group: 'crime' } : { group: 'crime' },
      provenance: { item: { pool: 'test/pool', id: `item-${i}`, source: 'fixture' }, builder: 'template:test', variations: s.attack ? [`jailbreak:${s.attack}`] : [], seed: 1 },
    });
  }
  const responses = new ResponseStore(db);
  db.transaction(() => {
    new CaseStore(db).insertAll(runId, cases);
    for (const model of models) {
      const judgments: JudgmentRecord[] = [];
      for (let i = 0; i < n; i++) {
        const s = synthetic(i);
        responses.saveResponse(runId, {
          caseId: cases[i].id, model, status: s.error ? 'error' : 'ok', text: s.error ? null : s.text, finishReason: s.error ? null : 'stop',
          policyDetail: null, error: s.error ? 'HTTP 500' : null, inputTokens: 10, outputTokens: 5, latencyMs: 1, attempts: 1, cached: false, requestHash: `h${i}`,
        });
        if (!s.error) judgments.push({ caseId: cases[i].id, model, judge: 'refusal', label: s.label, score: s.score, reason: 'fixture' });
      }
      responses.saveJudgments(runId, judgments);
    }
  })();
}

export interface HttpAnswer { status: number; headers: Record<string, string | string[] | undefined>; body: string; json(): any }

/** One HTTP request with full control of the headers (Host and Origin included). */
export function http(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}
