/**
 * Pulling catalog models from the Hugging Face hub into TRUSTGEN_HOME/models, and resolving
 * a `llama:` model name (an alias or a .gguf path) to a file on disk.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { UserInputError, type Env } from '../providers/types.js';
import { trustgenHome } from '../util/paths.js';
import { DEFAULT_MODEL_ALIAS, findModel, loadCatalog, localFileName, type CatalogModel } from './catalog.js';
import { downloadFile, type DownloadProgress } from './download.js';

export { DEFAULT_MODEL_ALIAS } from './catalog.js';

const HF_DEFAULT_ENDPOINT = 'https://huggingface.co';

/** The hub endpoint as huggingface_hub reads it: HF_ENDPOINT without trailing slashes, else huggingface.co. */
export function hfEndpoint(env: Env = process.env): string {
  return (env.HF_ENDPOINT ?? '').trim().replace(/\/+$/, '') || HF_DEFAULT_ENDPOINT;
}

/** `${endpoint}/${repo}/resolve/${revision}/${file}`, with the revision and file segments URL-encoded. */
export function hfResolveUrl(repo: string, revision: string, file: string, env: Env = process.env): string {
  const path = file.split('/').map(encodeURIComponent).join('/');
  return `${hfEndpoint(env)}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** The hub token, if any (HF_TOKEN, or the older HUGGING_FACE_HUB_TOKEN). */
function hfToken(env: Env): string | undefined {
  return env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim() || undefined;
}

/** Where pulled models live: TRUSTGEN_HOME/models. */
export function modelsDir(home: string): string {
  return join(home, 'models');
}

/** The local path a catalog model is (or will be) stored at. */
export function modelFilePath(model: CatalogModel, home: string): string {
  return join(modelsDir(home), localFileName(model));
}

/** One line per alias, for `--list` and error messages. */
export function listAliases(): string[] {
  return [...loadCatalog().keys()];
}

function unknownAlias(alias: string): UserInputError {
  return new UserInputError(`unknown model alias '${alias}'; known aliases: ${listAliases().join(', ')} (see \`trustgen pull --list\`)`);
}

function isFile(p: string): boolean {
  try { return statSync(p).isFile(); } catch { return false; }
}

/**
 * A `llama:` model name to a .gguf file on disk: a catalog alias maps to
 * TRUSTGEN_HOME/models/<file>; anything else is a path (relative to the working folder).
 * Throws UserInputError when the file is not there, telling how to get it.
 */
export function resolveModelPath(nameOrPath: string, home: string = trustgenHome()): string {
  const name = nameOrPath.trim();
  if (!name) throw new UserInputError(`empty model name: use llama:PATH.gguf or llama:ALIAS (e.g. llama:${DEFAULT_MODEL_ALIAS})`);
  const model = findModel(name);
  if (model) {
    const p = modelFilePath(model, home);
    if (!isFile(p)) {
      throw new UserInputError(`model '${name}' is not downloaded yet (expected ${p}): run \`trustgen pull ${name}\``);
    }
    return p;
  }
  const looksLikePath = name.endsWith('.gguf') || name.includes('/') || name.includes('\\') || isAbsolute(name) || name.startsWith('.');
  const p = resolve(name);
  if (isFile(p)) return p;
  if (looksLikePath) {
    throw new UserInputError(`model file not found: ${p}${existsSync(p) ? ' (not a regular file)' : ''}`);
  }
  throw new UserInputError(`'${name}' is neither a .gguf file nor a known model alias; known aliases: ${listAliases().join(', ')}`);
}

export interface PullOptions {
  env?: Env;
  home?: string;
  onProgress?: (p: DownloadProgress & { alias: string; file: string }) => void;
  signal?: AbortSignal;
  /** Passed to downloadFile (tests shorten these). */
  retries?: number;
  retryDelayMs?: number;
}

/**
 * Download a catalog model into TRUSTGEN_HOME/models unless it is already there.
 * Resumes an interrupted download. Unknown alias: UserInputError.
 */
export async function pullModel(alias: string, opts: PullOptions = {}): Promise<{ path: string; downloaded: boolean }> {
  const env = opts.env ?? process.env;
  const home = opts.home ?? trustgenHome(env);
  const model = findModel(alias);
  if (!model) throw unknownAlias(alias);
  const dest = modelFilePath(model, home);
  if (isFile(dest)) return { path: dest, downloaded: false };
  const headers: Record<string, string> = { 'user-agent': 'trustgen' };
  const token = hfToken(env);
  if (token) headers.authorization = `Bearer ${token}`;
  const url = hfResolveUrl(model.repo, model.revision, model.file, env);
  await downloadFile(url, dest, {
    headers,
    signal: opts.signal,
    expectedSha256: model.sha256,
    retries: opts.retries,
    retryDelayMs: opts.retryDelayMs,
    onProgress: opts.onProgress ? (p) => opts.onProgress!({ ...p, alias, file: localFileName(model) }) : undefined,
  });
  return { path: dest, downloaded: true };
}
