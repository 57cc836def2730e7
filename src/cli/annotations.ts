import { Command } from 'commander';
import { UserInputError } from '../providers/types.js';
import { AnnotationStore, type Agreement } from '../store/annotations.js';
import { openDb } from '../store/db.js';
import { RunStore } from '../store/runs.js';
import { trustgenHome } from '../util/paths.js';

function line(name: string, a: Agreement): string {
  return `${name.padEnd(24)} ${a.rate === null ? '-' : `${a.rate.toFixed(1)}%`.padStart(7)}  ${(a.kappa === null ? '-' : a.kappa.toFixed(2)).padStart(6)}  ${String(a.agreed).padStart(6)} / ${a.n}`;
}

export function annotationsCommand(): Command {
  return new Command('annotations')
    .description("The judge's agreement with people's annotations of a run (made in `trustgen view`), per dimension.")
    .argument('<runId>', 'the run id (see `trustgen list runs`)')
    .option('--json', 'print the agreement as JSON')
    .action((runId: string, opts: { json?: boolean }) => {
      const home = trustgenHome();
      const db = openDb(home);
      try {
        if (!new RunStore(db).get(runId)) throw new UserInputError(`No run "${runId}" in ${home}. List runs with \`trustgen list runs\`.`);
        const report = new AnnotationStore(db).agreement(runId);
        if (opts.json) { process.stdout.write(`${JSON.stringify(report, null, 2)}\n`); return; }
        if (report.overall.n === 0) { process.stdout.write(`No annotations in run ${runId} yet: annotate judgements in \`trustgen view\`.\n`); return; }
        const out = [`Judge agreement with annotations, run ${runId}`, `${'dimension'.padEnd(24)} ${'agree'.padStart(7)}  ${'kappa'.padStart(6)}  agreed / annotated`];
        for (const [dim, a] of Object.entries(report.byDimension)) out.push(line(dim, a));
        out.push(line('overall', report.overall));
        const models = Object.keys(report.byModel);
        if (models.length > 1) for (const m of models) for (const [dim, a] of Object.entries(report.byModel[m])) out.push(line(`${m} ${dim}`, a));
        process.stdout.write(`${out.join('\n')}\n`);
      } finally {
        db.close();
      }
    });
}
