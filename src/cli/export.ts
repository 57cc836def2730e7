import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { Command } from 'commander';
import { UserInputError } from '../providers/types.js';
import { EXPORT_FORMATS, writeExport, type ExportFormat } from '../report/export.js';
import { openDb } from '../store/db.js';
import { RunStore } from '../store/runs.js';
import { trustgenHome } from '../util/paths.js';
import { FlagError } from './errors.js';

function format(value: string): ExportFormat {
  if (!(EXPORT_FORMATS as readonly string[]).includes(value)) throw new FlagError(`--format expects one of ${EXPORT_FORMATS.join(', ')}, got "${value}"`);
  return value as ExportFormat;
}

export function exportCommand(): Command {
  return new Command('export')
    .description("Export a stored run's cases with each model's response and judgement (JSON, JSONL or CSV), streamed page by page.")
    .argument('<runId>', 'the run id (see `trustgen list runs`)')
    .option('--format <format>', `one of ${EXPORT_FORMATS.join(', ')}`, format, 'jsonl' as ExportFormat)
    .option('--out <file>', 'write to this file (default: standard output)')
    .action(async (runId: string, opts: { format: ExportFormat; out?: string }) => {
      const home = trustgenHome();
      const db = openDb(home);
      try {
        if (!new RunStore(db).get(runId)) throw new UserInputError(`No run "${runId}" in ${home}. List runs with \`trustgen list runs\`.`);
        if (!opts.out) {
          await writeExport(db, runId, opts.format, process.stdout);
          return;
        }
        // Write beside the target and rename at the end, so a failed export never leaves half a file.
        const tmp = `${opts.out}.tmp-${process.pid}`;
        if (!existsSync(dirname(resolve(opts.out)))) throw new UserInputError(`--out ${opts.out}: the folder ${dirname(resolve(opts.out))} does not exist`);
        const file = createWriteStream(tmp);
        let failure: Error | undefined;
        file.on('error', (e) => { failure = e; });
        try {
          const n = await writeExport(db, runId, opts.format, file);
          file.end();
          await once(file, 'close');
          if (failure) throw failure;
          renameSync(tmp, opts.out);
          process.stderr.write(`wrote ${n} rows to ${opts.out}\n`);
        } catch (e) {
          file.destroy();
          rmSync(tmp, { force: true });
          throw e;
        }
      } finally {
        db.close();
      }
    });
}
