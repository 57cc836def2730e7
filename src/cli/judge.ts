import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setMaxListeners } from 'node:events';
import { Command, Option } from 'commander';
import { RunAborted, type ModelCaller } from '../engine/caller.js';
import { runPool } from '../engine/pool.js';
import { createProgress, type ProgressSink } from '../engine/progress.js';
import { DEFAULTS, type ResolvedConfig } from '../engine/resolved-config.js';
import { makeCaller } from '../engine/run.js';
import { cellText, readTable, requireColumn, toJudgeInputs, type ColumnMap, type InputTable } from '../judges/input.js';
import { formatAgreement, formatHumanQuality, humanQuality, judgeAgreement, type HumanQuality } from '../judges/quality.js';
import { getJudge, judgeRequires, rubricRequires, type JudgeRequirement } from '../judges/registry.js';
import type { JudgeInput, LabelJudge } from '../judges/types.js';
import { parseModelSpec } from '../providers/spec.js';
import { UserInputError } from '../providers/types.js';
import { ResponseCache } from '../store/cache.js';
import { openDb, type Db } from '../store/db.js';
import { trustgenHome } from '../util/paths.js';
import { EXIT, positiveInt } from './errors.js';

export interface JudgeFlags {
  judge: string;
  input: string;
  out: string;
  promptColumn: string;
  responseColumn: string;
  referenceColumn?: string;
  choicesColumn?: string;
  otherColumn?: string;
  labelsColumn?: string;
  compare?: string;
  rubric?: string;
  concurrency?: number;
  report?: string;
  cache?: boolean;
  quiet?: boolean;
}

/** One output line. */
export interface JudgedRow { index: number; label: string; score: number; judge: string; reason: string }

const isModelSpec = (name: string) => name.includes(':') && !name.startsWith('rubric:');

export function judgeCommand(): Command {
  return new Command('judge')
    .description('Label existing responses from a CSV or JSONL file with a judge, and measure the judge against human labels or another judge.')
    .requiredOption('--judge <name>', 'a judge id (see `trustgen list judges`) or a model spec for the rubric LLM judge, e.g. openai:gpt-4o-mini')
    .requiredOption('--input <file>', 'a .csv file with a header row, or a .jsonl file with one JSON object a line')
    .requiredOption('--out <file>', 'write one JSON line per input row here, in input order')
    .option('--prompt-column <col>', 'the column holding the request', 'prompt')
    .option('--response-column <col>', 'the column holding the answer to judge', 'completion')
    .option('--reference-column <col>', 'the column holding the right answer (match, embedding) or the canary (injection)')
    .option('--choices-column <col>', 'the column holding the answer options (a JSON array, or texts split by |)')
    .option('--other-column <col>', 'the column holding a second answer to compare with (embedding, robustness_pair)')
    .option('--labels-column <col>', 'human labels to measure the judge against: accuracy and a confusion matrix')
    .option('--compare <judge>', 'a second judge on the same rows: agreement and Cohen\'s kappa')
    .option('--rubric <id>', 'with a model spec: the rubric the LLM judge answers (default refusal)')
    .option('--concurrency <n>', `most judge-model calls in flight (default ${DEFAULTS.concurrency})`, positiveInt('--concurrency'))
    .option('--report <file>', 'also write the figures as JSON')
    .option('--no-cache', 'do not answer judge-model calls from the response cache')
    .addOption(new Option('--quiet', 'no progress output').hideHelp())
    .addHelpText('after', `
For --judge refusal the labels are full_compliance, full_refusal, partial_refusal. Human labels are normalised
("1_full_compliance" -> "full_compliance"). Rows whose judge failed get the label "error"; then the exit code is 1.
Exit codes: 0 ok, 1 some rows failed, 2 bad input, 130 interrupted.`)
    .action(async (flags: JudgeFlags) => {
      process.exitCode = await judgeAction(flags);
    });
}

function checkFields(table: InputTable, judgeName: string, needs: JudgeRequirement[], flags: JudgeFlags, map: ColumnMap): void {
  const flagFor: Record<Exclude<JudgeRequirement, 'reference|other'>, [keyof JudgeFlags, string]> = {
    prompt: ['promptColumn', '--prompt-column'], reference: ['referenceColumn', '--reference-column'],
    choices: ['choicesColumn', '--choices-column'], other: ['otherColumn', '--other-column'],
  };
  for (const need of needs) {
    if (need === 'reference|other') {
      if (!map.reference && !map.other) throw new UserInputError(`judge ${judgeName} compares the answer with a second text: give --reference-column COLUMN or --other-column COLUMN. ${table.file} has columns: ${table.columns.join(', ')}.`);
      continue;
    }
    const [key, flag] = flagFor[need];
    if (!flags[key]) throw new UserInputError(`judge ${judgeName} needs the ${need} of each row: give ${flag} COLUMN. ${table.file} has columns: ${table.columns.join(', ')}.`);
    requireColumn(table, String(flags[key]), flag);
  }
}

interface Resolved { judge: LabelJudge; needs: JudgeRequirement[] }

export async function judgeAction(flags: JudgeFlags): Promise<number> {
  const env = process.env;
  const table = readTable(flags.input);
  requireColumn(table, flags.responseColumn, '--response-column');
  const map: ColumnMap = { response: flags.responseColumn };
  // The prompt column is optional at its default name: judges that need it say so below.
  if (table.columns.includes(flags.promptColumn)) map.prompt = flags.promptColumn;
  else if (flags.promptColumn !== 'prompt') requireColumn(table, flags.promptColumn, '--prompt-column');
  for (const [k, flag] of [['reference', '--reference-column'], ['choices', '--choices-column'], ['other', '--other-column']] as const) {
    const col = flags[`${k}Column`];
    if (col) { requireColumn(table, col, flag); map[k] = col; }
  }
  if (flags.labelsColumn) requireColumn(table, flags.labelsColumn, '--labels-column');
  const names = [flags.judge, ...(flags.compare ? [flags.compare] : [])];
  if (flags.rubric && !names.some(isModelSpec)) throw new UserInputError('--rubric picks the rubric of an LLM judge: use it with --judge SPEC (a model spec, e.g. openai:gpt-4o-mini).');
  const rubric = flags.rubric ?? 'refusal';
  const needsOf = (name: string): JudgeRequirement[] => {
    if (isModelSpec(name)) { parseModelSpec(name); return rubricRequires(rubric); }
    getJudge(name); // an unknown name, or an LLM judge named without a model, fails here with what to write instead
    return judgeRequires(name);
  };
  for (const name of names) checkFields(table, isModelSpec(name) ? `${name} (rubric ${rubric})` : name, needsOf(name), flags, map);
  const inputs = toJudgeInputs(table, map);
  const human = flags.labelsColumn ? table.rows.map((r) => (r.values[flags.labelsColumn!] == null ? '' : cellText(r, flags.labelsColumn!))) : undefined;

  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let db: Db | undefined;
  const callers = new Map<string, ModelCaller>();
  const concurrency = flags.concurrency ?? DEFAULTS.concurrency;
  const resolve = (name: string): Resolved => {
    if (!isModelSpec(name)) {
      const judge = getJudge(name);
      if (judge.id !== name) process.stderr.write(`note: judge ${name} is served by ${judge.id}. ${judge.description}\n`);
      return { judge, needs: judgeRequires(name) };
    }
    let caller = callers.get(name);
    if (!caller) {
      const home = trustgenHome(env);
      db ??= openDb(home);
      const config: ResolvedConfig = {
        models: [], dimensions: [], limit: null, concurrency, seed: DEFAULTS.seed, judge: name, generator: null, out: null,
        timeoutMs: DEFAULTS.timeoutMs, retries: DEFAULTS.retries, cache: flags.cache !== false, params: { ...DEFAULTS.params }, options: {},
      };
      caller = makeCaller(name, { config, env, home, signal: controller.signal }, new ResponseCache(db));
      callers.set(name, caller);
    }
    return { judge: getJudge(`rubric:${rubric}`, { caller }), needs: rubricRequires(rubric) };
  };
  const progress = createProgress(process.stderr, flags.quiet);
  try {
    const main = resolve(flags.judge);
    const other = flags.compare ? resolve(flags.compare) : undefined;
    const rows = await judgeAll(main.judge, inputs, concurrency, progress);
    const compared = other ? await judgeAll(other.judge, inputs, concurrency, progress) : undefined;
    if (controller.signal.aborted) throw new RunAborted();

    mkdirSync(dirname(flags.out), { recursive: true });
    const lines = rows.map((r, i) => JSON.stringify(compared ? { ...r, compare: { judge: compared[i].judge, label: compared[i].label, score: compared[i].score, reason: compared[i].reason } } : r));
    writeFileSync(flags.out, lines.length ? `${lines.join('\n')}\n` : '');

    const out: string[] = [summary(main.judge, rows)];
    if (compared && other) out.push(summary(other.judge, compared));
    out.push(`wrote ${flags.out}`);
    const report: Record<string, unknown> = { input: flags.input, rows: rows.length, judge: main.judge.id, counts: counts(rows), errors: errorsOf(rows) };
    if (human) {
      const q = humanQuality(main.judge.id, rows.map((r) => r.label), human, main.judge.labels);
      out.push('', formatHumanQuality(q));
      report.quality = q;
      if (compared && other) {
        const qc: HumanQuality = humanQuality(other.judge.id, compared.map((r) => r.label), human, other.judge.labels);
        out.push('', formatHumanQuality(qc));
        report.compareQuality = qc;
      }
    }
    if (compared && other) {
      const a = judgeAgreement([main.judge.id, other.judge.id], rows.map((r) => r.label), compared.map((r) => r.label), main.judge.labels);
      out.push('', formatAgreement(a));
      report.compare = { judge: other.judge.id, counts: counts(compared), errors: errorsOf(compared), agreement: a };
    }
    if (flags.report) {
      mkdirSync(dirname(flags.report), { recursive: true });
      writeFileSync(flags.report, `${JSON.stringify(report, null, 2)}\n`);
      out.push(`wrote ${flags.report}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return errorsOf(rows) + (compared ? errorsOf(compared) : 0) > 0 ? EXIT.withErrors : EXIT.ok;
  } catch (e) {
    if (e instanceof RunAborted || controller.signal.aborted) {
      progress.stop();
      process.stderr.write('Interrupted: nothing written. Judge-model answers received so far are cached; run the same command again to continue.\n');
      return EXIT.interrupted;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    db?.close();
  }
}

/** Label every input in order; a row whose judge throws gets the label "error" with the message as its reason. */
export async function judgeAll(judge: LabelJudge, inputs: JudgeInput[], concurrency: number, progress: ProgressSink): Promise<JudgedRow[]> {
  const rows: JudgedRow[] = new Array(inputs.length);
  const llm = judge.kind === 'llm';
  if (llm) progress.start(judge.id, inputs.length);
  let next = 0;
  await runPool(() => (next < inputs.length ? next++ : undefined), llm ? concurrency : 1, async (i) => {
    let row: JudgedRow;
    try {
      const v = await judge.label(inputs[i]);
      row = { index: i, label: v.label, score: v.score, judge: judge.id, reason: v.reason };
    } catch (e) {
      if (e instanceof RunAborted) throw e;
      row = { index: i, label: 'error', score: 0, judge: judge.id, reason: e instanceof Error ? e.message : String(e) };
    }
    rows[i] = row;
    if (llm) progress.tick({ done: 1, errors: row.label === 'error' ? 1 : 0 });
  });
  if (llm) progress.stop();
  return rows;
}

function counts(rows: JudgedRow[]): Record<string, number> {
  const c: Record<string, number> = {};
  for (const r of rows) c[r.label] = (c[r.label] ?? 0) + 1;
  return c;
}

const errorsOf = (rows: JudgedRow[]) => rows.filter((r) => r.label === 'error').length;

function summary(judge: LabelJudge, rows: JudgedRow[]): string {
  const c = counts(rows);
  const order = [...judge.labels, ...Object.keys(c).filter((l) => !judge.labels.includes(l))];
  const parts = order.filter((l) => c[l] !== undefined || judge.labels.includes(l)).map((l) => `${l} ${c[l] ?? 0}`);
  const errs = errorsOf(rows);
  const firstError = rows.find((r) => r.label === 'error');
  return `judged ${rows.length} rows with ${judge.id}: ${parts.join(', ')}${errs ? `\n${errs} rows failed (label "error"), e.g. row ${firstError!.index}: ${firstError!.reason}` : ''}`;
}
