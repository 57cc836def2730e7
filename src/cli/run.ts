import { setMaxListeners } from 'node:events';
import { Command, Option } from 'commander';
import { executeRun, RunInterrupted } from '../engine/run.js';
import { createProgress } from '../engine/progress.js';
import type { ResolvedConfig } from '../engine/resolved-config.js';
import { resolveDefaultModel } from '../engine/default-model.js';
import { scoreRun } from '../report/score.js';
import { scoreTable, writeOutputs } from '../report/write.js';
import { openDb } from '../store/db.js';
import { RunStore } from '../store/runs.js';
import { UserInputError } from '../providers/types.js';
import { trustgenHome } from '../util/paths.js';
import { EXIT, nonNegativeInt, positiveInt } from './errors.js';
import { resolveRunConfig, type RunFlags } from './resolve-config.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function runCommand(): Command {
  return new Command('run')
    .description('Evaluate one or more models: build test cases, call the models, judge and score them.')
    .option('--config <file>', 'a YAML config file (default: ./trustgen.yaml when present)')
    .option('--model <spec>', 'a model to evaluate, e.g. openai:gpt-4o-mini, ollama:llama3.2, llama:./model.gguf (repeatable)', collect)
    .option('--dimensions <list>', 'comma-separated dimension ids (default: all; see `trustgen list dimensions`)')
    .option('--limit <n>', 'at most N cases per dimension and model', positiveInt('--limit'))
    .option('--concurrency <n>', 'most model calls in flight per provider (default 8)', positiveInt('--concurrency'))
    .option('--seed <n>', 'seed for building and sampling cases (default 42)', nonNegativeInt('--seed'))
    .option('--judge <spec>', '"offline" (default) or a model spec for the rubric LLM judge')
    .option('--generator <spec>', 'a model that writes new test items from the metadata')
    .option('--out <dir>', 'write results.json and report.html here')
    .option('--resume <runId>', 'continue an interrupted run; no finished model call is repeated')
    .option('--no-cache', 'do not answer from the response cache (answers are still stored)')
    .option('--cases <file.jsonl>', 'evaluate a test set saved by `trustgen generate` instead of building one')
    .addOption(new Option('--quiet', 'no progress output').hideHelp())
    .addHelpText('after', `
Exit codes: 0 ok, 1 finished with errors, 2 bad input, 130 interrupted (resume with --resume RUN_ID).
Without --model: TRUSTGEN_MODEL, else a running Ollama, else a model for an API key in the environment,
else the default GGUF (pulled on first use). State lives in TRUSTGEN_HOME (default ~/.trustgen).`)
    .action(async (flags: RunFlags & { quiet?: boolean }) => {
      process.exitCode = await runAction(flags);
    });
}

export async function runAction(flags: RunFlags & { quiet?: boolean }): Promise<number> {
  const env = process.env;
  const home = trustgenHome(env);
  const progress = createProgress(process.stderr, flags.quiet);
  const db = openDb(home);
  const controller = new AbortController();
  // Every call in flight listens to the run's signal: hundreds at high concurrency are expected, not a leak.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) { progress.log('\nStopping: finishing the state on disk (Ctrl-C again to force)...'); controller.abort(); }
    else process.exit(EXIT.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const cpuStart = process.cpuUsage();
  try {
    let config: ResolvedConfig;
    if (flags.resume) {
      const row = new RunStore(db).get(flags.resume);
      if (!row) throw new UserInputError(`No run "${flags.resume}" in ${home}. Check the id, or TRUSTGEN_HOME.`);
      config = JSON.parse(row.config_json) as ResolvedConfig;
      const ignored = (['config', 'model', 'dimensions', 'limit', 'seed', 'judge', 'generator'] as const).filter((k) => flags[k] !== undefined);
      if (ignored.length) progress.log(`--resume continues run ${flags.resume} with its stored settings; ignoring ${ignored.map((k) => `--${k}`).join(', ')}.`);
      if (flags.concurrency) config.concurrency = flags.concurrency;
      if (flags.cache === false) config.cache = false;
      if (flags.out) config.out = flags.out;
    } else {
      config = resolveRunConfig(flags);
      if (config.models.length === 0) config.models = [await resolveDefaultModel(env, home, (m) => progress.log(m))];
    }
    const outcome = await executeRun({ db, config, env, home, progress, signal: controller.signal, resumeId: flags.resume });
    const cpu = process.cpuUsage(cpuStart);
    const doc = scoreRun(db, outcome.runId, { harness: { cpuMs: Math.round((cpu.user + cpu.system) / 1000), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) } });
    new RunStore(db).saveResults(outcome.runId, doc.status, doc);
    process.stdout.write(`\n${scoreTable(doc)}\n\nrun ${doc.runId}: ${doc.meta.calls.total} calls, ${doc.meta.calls.cached} cached, ${doc.meta.calls.errors} errors\n`);
    if (config.out) {
      const files = writeOutputs(config.out, doc);
      process.stdout.write(`wrote ${files.json}\nwrote ${files.html}\n`);
    }
    return doc.meta.calls.errors > 0 ? EXIT.withErrors : EXIT.ok;
  } catch (e) {
    if (e instanceof RunInterrupted) {
      process.stderr.write(`Interrupted. Resume with: trustgen run --resume ${e.runId}\n`);
      return EXIT.interrupted;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    db.close();
  }
}
