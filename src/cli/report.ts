import { Command } from 'commander';
import { scoreRun } from '../report/score.js';
import { scoreTable, writeOutputs } from '../report/write.js';
import { UserInputError } from '../providers/types.js';
import { openDb } from '../store/db.js';
import { RunStore } from '../store/runs.js';
import { trustgenHome } from '../util/paths.js';

export function reportCommand(): Command {
  return new Command('report')
    .description('Rescore a stored run and write results.json and report.html.')
    .argument('<runId>', 'the run id (see `trustgen list runs`)')
    .option('--out <dir>', 'output folder (default: ./trustgen-report-RUN_ID)')
    .option('--human-labels', 'score with the labels people gave in `trustgen view` where they marked the judge wrong')
    .action((runId: string, opts: { out?: string; humanLabels?: boolean }) => {
      const home = trustgenHome();
      const db = openDb(home);
      try {
        const row = new RunStore(db).get(runId);
        if (!row) throw new UserInputError(`No run "${runId}" in ${home}. List runs with \`trustgen list runs\`.`);
        const stored = row.results_json ? (JSON.parse(row.results_json) as { meta?: { harness?: { cpuMs: number; peakRssMb: number } } }) : undefined;
        const doc = scoreRun(db, runId, { harness: stored?.meta?.harness, ...(opts.humanLabels ? { humanLabels: true } : {}) });
        const files = writeOutputs(opts.out ?? `trustgen-report-${runId}`, doc);
        process.stdout.write(`${scoreTable(doc)}\n\nwrote ${files.json}\nwrote ${files.html}\n`);
      } finally {
        db.close();
      }
    });
}
