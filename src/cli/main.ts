#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { configJsonSchema } from '../config/schema.js';
import { UserInputError } from '../providers/types.js';
import { TRUSTGEN_VERSION } from '../util/version.js';
import { EXIT, FlagError } from './errors.js';
/**
 * Each command's module, loaded on demand: a run never pays for loading the viewer, the exporter or the
 * judge CLI. The order is the order of `trustgen --help`.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./run.js')).runCommand(),
  generate: async () => (await import('./generate.js')).generateCommand(),
  list: async () => (await import('./list.js')).listCommand(),
  report: async () => (await import('./report.js')).reportCommand(),
  pull: async () => (await import('./pull.js')).pullCommand(),
  judge: async () => (await import('./judge.js')).judgeCommand(),
  compare: async () => (await import('./compare.js')).compareCommand(),
  export: async () => (await import('./export.js')).exportCommand(),
  view: async () => (await import('./view.js')).viewCommand(),
  annotations: async () => (await import('./annotations.js')).annotationsCommand(),
};

/** The commands to register: only the one named on the command line, or all of them (help, a typo). */
async function commandsFor(argv: string[]): Promise<Command[]> {
  const named = argv[2];
  const names = named && Object.hasOwn(COMMANDS, named) ? [named] : Object.keys(COMMANDS);
  return Promise.all(names.map((n) => COMMANDS[n]()));
}

async function program(argv: string[]): Promise<Command> {
  const p = new Command('trustgen')
    .description('Measure how trustworthy a generative model is, with test sets built afresh from metadata (the TrustGen method).')
    .version(TRUSTGEN_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const c of await commandsFor(argv)) p.addCommand(c.exitOverride());
  p.addCommand(new Command('schema').description('Print the JSON Schema of trustgen.yaml.').exitOverride().action(() => {
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  }));
  return p;
}
// A closed pipe (e.g. `trustgen list models | head`) is not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => { if (e.code === "EPIPE") process.exit(0); throw e; });

async function main(argv: string[]): Promise<number> {
  try {
    await (await program(argv)).parseAsync(argv);
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
