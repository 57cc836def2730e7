import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'data'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`trustgen: cannot find its package root (with data/) above ${start}`);
    dir = parent;
  }
}

/** The installed package's root folder (holding package.json and data/). */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package's data/ folder. */
export function dataPath(...parts: string[]): string {
  return join(PACKAGE_ROOT, 'data', ...parts);
}

/** TRUSTGEN_HOME, default ~/.trustgen: the SQLite database, caches and downloaded models. */
export function trustgenHome(env: Record<string, string | undefined> = process.env): string {
  return resolve(env.TRUSTGEN_HOME || join(homedir(), '.trustgen'));
}
