import { z } from 'zod';
import { datasetSchema } from '../metadata/dataset.js';
import { retrievalSchema } from '../metadata/retrieve.js';
import { VariationConfigSchema } from '../variation/plan.js';

const modelSpec = z.string().regex(/^[a-z][a-z0-9-]*:.+$/, 'a model spec "prefix:model", e.g. "openai:gpt-4o-mini" or "ollama:llama3.2"');

/** Sampling parameters sent to the model under test. */
export const paramsSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional().describe('Sampling temperature (default 0, for reproducible answers).'),
    maxTokens: z.number().int().positive().optional().describe('Most tokens per answer (default 512).'),
    topP: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional().describe('Seed passed to providers that accept one.'),
  })
  .strict();

export const safetyOptionsSchema = z
  .object({
    size: z.number().int().positive().optional().describe('Cases built for the safety dimension before --limit (default 320).'),
    jailbreaks: z.array(z.string()).optional().describe('Only these jailbreak methods (ids from `trustgen list attacks`).'),
    subdimensions: z.array(z.enum(['harmful', 'jailbreak', 'exaggerated', 'injection', 'toxicity'])).optional().describe('Only these sub-dimensions (toxicity is built only with a judge model, and needs jailbreak).'),
    generated: z.number().int().min(0).optional().describe('With a generator: new items written per taxonomy topic or technique (default 2).'),
    datasets: z
      .object({
        harmful: z.array(datasetSchema).optional().describe('Your own harmful requests; map the field "text" (and optionally "group", "topic") to your columns.'),
        exaggerated: z.array(datasetSchema).optional().describe('Your own benign questions that look dangerous; map "text" (and optionally "technique").'),
      })
      .strict()
      .optional(),
    retrieval: retrievalSchema
      .extend({ into: z.enum(['harmful', 'exaggerated']).optional().describe('Which pool the extracted items join (default harmful).') })
      .optional()
      .describe('Retrieved passages from which the generator model (--generator) extracts new items; each keeps its file or URL and time.'),
  })
  .strict();

/** Options every other dimension takes (truthfulness, fairness, robustness, privacy, ethics, advanced_ai_risk). */
export const dimensionOptionsSchema = z
  .object({
    size: z.number().int().positive().optional().describe('Cases built for the dimension before --limit (default: the dimension\'s own, at least 100).'),
    subdimensions: z.array(z.string()).optional().describe('Only these sub-dimensions (ids from `trustgen list dimensions`).'),
    generated: z.number().int().min(0).optional().describe('With a generator: new items written per seed group (default 2).'),
    datasets: z
      .record(z.string(), z.array(datasetSchema))
      .optional()
      .describe('Your own items per sub-dimension: { <sub-dimension>: [{ file, fields: { text: col, ... } }] }; see `trustgen list dimensions` for which sub-dimensions take which fields.'),
  })
  .strict();

/** Truthfulness also takes retrieval: questions with answers extracted from documents or web results. */
export const truthfulnessOptionsSchema = dimensionOptionsSchema.extend({
  retrieval: retrievalSchema
    .optional()
    .describe('Passages from which the generator model (--generator) extracts new questions with their answers, each asked with its evidence sentence or without it; each keeps its file or URL and time.'),
});

/** The dimensions that take the generic options, by config key (the dimension id). */
export const GENERIC_DIMENSION_KEYS = ['truthfulness', 'fairness', 'robustness', 'privacy', 'ethics', 'advanced_ai_risk'] as const;

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    models: z.array(modelSpec).optional().describe('Models under test. Default: TRUSTGEN_MODEL, a running Ollama, a model for an API key in the environment, or the default GGUF.'),
    dimensions: z.array(z.string()).optional().describe('Dimension ids (see `trustgen list dimensions`). Default: all available.'),
    limit: z.number().int().positive().optional().describe('At most this many cases per dimension and model.'),
    concurrency: z.number().int().positive().max(1000).optional().describe('Most model calls in flight per provider (default 8).'),
    seed: z.number().int().min(0).optional().describe('Seed for case building and sampling (default 42: the same command builds the same cases).'),
    judge: z.string().optional().describe('"offline" (default: rule-based judges) or a model spec for the rubric LLM judge.'),
    generator: modelSpec.optional().describe('A model that generates new test items from the metadata.'),
    out: z.string().optional().describe('Folder for results.json and report.html.'),
    timeoutMs: z.number().int().positive().optional().describe('Per-request timeout in ms (default 60000).'),
    retries: z.number().int().min(0).max(20).optional().describe('Retries per call on 429, 5xx, timeouts and malformed answers (default 4).'),
    cache: z.boolean().optional().describe('Read answers from the response cache (default true).'),
    params: paramsSchema.optional(),
    safety: safetyOptionsSchema.optional(),
    truthfulness: truthfulnessOptionsSchema.optional(),
    fairness: dimensionOptionsSchema.optional(),
    robustness: dimensionOptionsSchema.optional(),
    privacy: dimensionOptionsSchema.optional(),
    ethics: dimensionOptionsSchema.optional(),
    advanced_ai_risk: dimensionOptionsSchema.optional(),
    variation: VariationConfigSchema.optional().describe('Contextual variation per dimension: { <dimension>: { keepOriginal: 0-1, variators: [paraphrase, persona, "perturb:*", ...] } }.'),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type SafetyOptions = z.infer<typeof safetyOptionsSchema>;
export type DimensionOptions = z.infer<typeof dimensionOptionsSchema>;
export type TruthfulnessOptions = z.infer<typeof truthfulnessOptionsSchema>;

/** The published JSON Schema of trustgen.yaml. */
export function configJsonSchema(): unknown {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
  return { $id: 'https://trustgen.dev/schema/trustgen.schema.json', title: 'trustgen configuration (trustgen.yaml)', ...schema };
}
