#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { configJsonSchema } from '../config/schema.js';
import { UserInputError } from '../providers/types.js';
import { TRUSTGEN_VERSION } from '../util/version.js';
import { EXIT, FlagError } from './errors.js';
import { judgeCommand } from './judge.js';
import { listCommand } from './list.js';
import { pullCommand } from './pull.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { generateCommand } from './generate.js';
import { compareCommand } from './compare.js';
import { exportCommand } from './export.js';
import { viewCommand } from './view.js';
import { annotationsCommand } from './annotations.js';

function program(): Command {
  const p = new Command('trustgen')
    .description('Measure how trustworthy a generative model is, with test sets built afresh from metadata (the TrustGen method).')
    .version(TRUSTGEN_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const c of [runCommand(), generateCommand(), listCommand(), reportCommand(), pullCommand(), judgeCommand(), compareCommand(), exportCommand()]) p.addCommand(c.exitOverride());
  for (const c of [viewCommand(), annotationsCommand()]) p.addCommand(c.exitOverride());
  p.addCommand(new Command('schema').description('Print the JSON Schema of trustgen.yaml.').exitOverride().action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  }));
  return p;
}

// A closed pipe (e.g. `trustgen list models | head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => { if (e.code === "EPIPE") process.exit(0); throw e; });

async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.badInput;
    }
    if (e instanceof UserInputError || e instanceof FlagError) {
      process.stderr.write(`trustgen: ${e.message}\n`);
      return EXIT.badInput;
    }
    process.stderr.write(`trustgen: unexpected error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return EXIT.withErrors;
  }
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
