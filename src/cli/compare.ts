import { Command } from 'commander';
import { UserInputError } from '../providers/types.js';
import { compareRuns, dimensionDrops, UnknownRunError } from '../report/compare.js';
import { comparisonText } from '../report/compare-text.js';
import { openDb } from '../store/db.js';
import { trustgenHome } from '../util/paths.js';
import { EXIT, FlagError, nonNegativeInt } from './errors.js';

function points(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new FlagError(`--fail-if-drop expects a number of points >= 0, got "${value}"`);
  return n;
}

export function compareCommand(): Command {
  return new Command('compare')
    .description('Compare two stored runs: score deltas (B - A) per model, dimension and sub-dimension with significance, and the cases whose verdict changed.')
    .argument('<runA>', 'the earlier (baseline) run id')
    .argument('<runB>', 'the later run id')
    .option('--json', 'print the comparison as JSON')
    .option('--fail-if-drop <points>', 'exit 1 when any dimension score drops by more than this many points', points)
    .option('--limit <n>', 'changed verdicts listed (default 20 in text, 50 in JSON; at most 1000)', nonNegativeInt('--limit'))
    .option('--offset <n>', 'skip this many changed verdicts', nonNegativeInt('--offset'))
    .option('--model <spec>', 'list only this model\'s changed verdicts')
    .option('--human-labels', 'score and compare with the labels people gave in `trustgen view` where they marked the judge wrong')
    .action((runA: string, runB: string, opts: { json?: boolean; failIfDrop?: number; limit?: number; offset?: number; model?: string; humanLabels?: boolean }) => {
      const home = trustgenHome();
      const db = openDb(home);
      try {
        let cmp;
        try {
          cmp = compareRuns(db, runA, runB, { changedLimit: opts.limit ?? (opts.json ? 50 : 20), changedOffset: opts.offset ?? 0, model: opts.model, humanLabels: opts.humanLabels === true });
        } catch (e) {
          if (e instanceof UnknownRunError) throw new UserInputError(`No run "${e.runId}" in ${home}. List runs with \`trustgen list runs\`.`);
          throw e;
        }
        process.stdout.write(opts.json ? `${JSON.stringify(cmp, null, 2)}\n` : `${comparisonText(cmp)}\n`);
        if (opts.failIfDrop !== undefined) {
          const drops = dimensionDrops(cmp, opts.failIfDrop);
          for (const d of drops) {
            process.stderr.write(`trustgen: ${d.model} ${d.dimension} dropped ${(-d.delta).toFixed(1)} points (${d.a.toFixed(1)} -> ${d.b.toFixed(1)}), more than ${opts.failIfDrop}\n`);
          }
          if (drops.length > 0) process.exitCode = EXIT.withErrors;
          else process.stderr.write(`trustgen: no dimension dropped by more than ${opts.failIfDrop} points\n`);
        }
      } finally {
        db.close();
      }
    });
}
