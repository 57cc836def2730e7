/** Token usage of a run per model, from the stored responses (for the report's cost line). */
import type { Db } from '../store/db.js';

export interface ModelUsage {
  /** Tokens of every stored response, cached ones included. */
  input: number;
  output: number;
  /** Tokens of responses served from the cache in this run (not paid again). */
  cachedInput: number;
  cachedOutput: number;
}

/** Per-model token counts of a run. */
export function usageByModel(db: Db, runId: string): Record<string, ModelUsage> {
  const rows = db
    .prepare(
      `SELECT model, COALESCE(SUM(input_tokens), 0) AS input, COALESCE(SUM(output_tokens), 0) AS output,
         COALESCE(SUM(CASE WHEN cached = 1 THEN input_tokens END), 0) AS cachedInput,
         COALESCE(SUM(CASE WHEN cached = 1 THEN output_tokens END), 0) AS cachedOutput
       FROM responses WHERE run_id = ? GROUP BY model ORDER BY model`,
    )
    .all(runId) as ({ model: string } & ModelUsage)[];
  return Object.fromEntries(rows.map(({ model, ...u }) => [model, u]));
}
