import { resolve } from 'node:path';
import { Command } from 'commander';
import { buildCases } from '../engine/build-stage.js';
import { Generator } from '../engine/generator.js';
import { createProgress } from '../engine/progress.js';
import { makeCaller } from '../engine/run.js';
import { writeTestSet, readTestSet } from '../core/test-set.js';
import { ResponseCache } from '../store/cache.js';
import { openDb } from '../store/db.js';
import { WriteQueue } from '../store/write-queue.js';
import { trustgenHome } from '../util/paths.js';
import { TRUSTGEN_VERSION } from '../util/version.js';
import { UserInputError } from '../providers/types.js';
import { nonNegativeInt, positiveInt } from './errors.js';
import { resolveRunConfig } from './resolve-config.js';
import { freshnessReport } from './freshness.js';

interface GenerateFlags { config?: string; dimensions?: string; generator?: string; seed?: number; size?: number; out: string; against?: string }

export function generateCommand(): Command {
  return new Command('generate')
    .description('Build a test set from the metadata (and a generator model) without evaluating a model; save it as JSONL.')
    .option('--config <file>', 'a YAML config file (default: ./trustgen.yaml when present)')
    .option('--dimensions <list>', 'comma-separated dimension ids (default: all)')
    .option('--generator <spec>', 'a model that writes new items and variations from the metadata')
    .option('--seed <n>', 'seed for building and sampling (default 42); another seed gives another sample', nonNegativeInt('--seed'))
    .option('--size <n>', 'cases per dimension', positiveInt('--size'))
    .requiredOption('--out <file.jsonl>', 'where to write the set')
    .option('--against <earlier.jsonl>', 'report exact and near-duplicate overlap with an earlier set')
    .addHelpText('after', '\nEvaluate a saved set with: trustgen run --cases FILE.jsonl --model SPEC')
    .action(async (flags: GenerateFlags) => {
      process.exitCode = await generateAction(flags);
    });
}

export async function generateAction(flags: GenerateFlags): Promise<number> {
  if (!flags.out.endsWith('.jsonl')) throw new UserInputError(`--out ${flags.out}: a test set is written as JSONL; give a file name ending in .jsonl.`);
  const earlier = flags.against ? readTestSet(flags.against) : undefined;
  const config = resolveRunConfig({ config: flags.config, dimensions: flags.dimensions, generator: flags.generator, seed: flags.seed, limit: flags.size });
  if (flags.size) for (const d of config.dimensions) config.options[d] = { ...(config.options[d] as object | undefined), size: flags.size };
  const env = process.env;
  const home = trustgenHome(env);
  const progress = createProgress(process.stderr);
  const db = openDb(home);
  const writes = new WriteQueue(db);
  const controller = new AbortController();
  try {
    const generator = config.generator
      ? new Generator(makeCaller(config.generator, { config, env, home, signal: controller.signal }, new ResponseCache(db, writes), progress), config.seed)
      : undefined;
    const built = await buildCases({ dimensions: config.dimensions, seed: config.seed, limit: config.limit, options: config.options, variation: config.variation, generator, judge: config.judge, log: (m) => progress.log(m) });
    writes.flush();
    const header = writeTestSet(resolve(flags.out), { dimensions: config.dimensions, seed: config.seed, generator: config.generator, size: flags.size ?? null, trustgenVersion: TRUSTGEN_VERSION }, built.cases);
    const bySub = new Map<string, number>();
    for (const c of built.cases) bySub.set(`${c.dimension}/${c.subdimension}`, (bySub.get(`${c.dimension}/${c.subdimension}`) ?? 0) + 1);
    process.stdout.write(`wrote ${header.cases} cases to ${flags.out}\nhash ${header.hash}\n${[...bySub].map(([k, n]) => `  ${k}: ${n}`).join('\n')}\n`);
    if (earlier) process.stdout.write(`${freshnessReport(built.cases, earlier.cases, flags.against!)}\n`);
    return 0;
  } finally {
    writes.flush();
    db.close();
  }
}
