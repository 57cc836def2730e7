import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { UserInputError } from '../providers/types.js';
import { configSchema, type ConfigFile } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'trustgen.yaml';

export { formatIssues } from './issues.js';
import { formatIssues } from './issues.js';

/**
 * Load and validate a config file. With no path, `trustgen.yaml` in the working directory is used
 * when present, else an empty config. An invalid file is a UserInputError naming file, field and expectation.
 */
export function loadConfig(path: string | undefined, cwd = process.cwd()): { config: ConfigFile; file: string | null } {
  const file = path ? resolve(cwd, path) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (path) throw new UserInputError(`${path}: config file not found. Check the path given to --config.`);
    return { config: {}, file: null };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserInputError(`${file}: cannot read the config file: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length) {
    throw new UserInputError(`${file}: not valid YAML: ${doc.errors[0].message}`);
  }
  let data: unknown;
  try {
    data = doc.toJS() ?? {};
  } catch (e) {
    // e.g. an alias to an anchor never defined, or aliases expanding without bound (a "billion laughs" file).
    throw new UserInputError(`${file}: not valid YAML: ${(e as Error).message}. Fix: define each &anchor before its *alias, and do not nest aliases to expand a value many times.`);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UserInputError(`${file}: (top level): expected a mapping of settings (models, dimensions, limit, ...), got ${Array.isArray(data) ? 'a list' : typeof data}`);
  }
  const parsed = configSchema.safeParse(data);
  if (!parsed.success) throw new UserInputError(`Invalid config:\n${formatIssues(file, parsed.error.issues)}`);
  return { config: parsed.data, file };
}
