/**
 * `trustgen pull [ALIAS]`: download a local GGUF model from the Hugging Face hub into
 * TRUSTGEN_HOME/models, for `llama:ALIAS`.
 */
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { findModel, loadCatalog } from '../models/catalog.js';
import type { DownloadProgress } from '../models/download.js';
import { DEFAULT_MODEL_ALIAS, hfEndpoint, modelFilePath, pullModel } from '../models/pull.js';
import { UserInputError } from '../providers/types.js';
import { trustgenHome } from '../util/paths.js';

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** A progress reporter: a cli-progress bar on a TTY, a plain line every ~10% otherwise. */
function progressReporter(stream: NodeJS.WriteStream): { update(p: DownloadProgress): void; stop(): void } {
  const start = Date.now();
  let startBytes: number | undefined;
  const rate = (received: number): number => {
    const secs = (Date.now() - start) / 1000;
    return secs > 0 ? (received - (startBytes ?? 0)) / secs : 0;
  };
  const plain = plainReporter(stream, rate, (b) => { startBytes ??= b; });
  if (stream.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(p) {
        if (!p.total && !bar) { plain.update(p); return; } // no size, no bar
        startBytes ??= p.resumedFrom;
        const r = rate(p.received);
        const payload = {
          got: formatBytes(p.received),
          size: p.total ? formatBytes(p.total) : '?',
          speed: `${formatBytes(r)}/s`,
          left: p.total && r > 0 ? formatDuration((p.total - p.received) / r) : '?',
        };
        if (!bar) {
          bar = new cliProgress.SingleBar({
            stream,
            format: '{bar} {percentage}% | {got}/{size} | {speed} | ETA {left}',
            hideCursor: true,
            clearOnComplete: false,
          }, cliProgress.Presets.shades_classic);
          bar.start(p.total ?? 0, p.received, payload);
        } else {
          if (p.total && bar.getTotal() !== p.total) bar.setTotal(p.total);
          bar.update(p.received, payload);
        }
      },
      stop() { bar?.stop(); },
    };
  }
  return plain;
}

function plainReporter(stream: NodeJS.WriteStream, rate: (received: number) => number, start: (resumedFrom: number) => void): { update(p: DownloadProgress): void; stop(): void } {
  let nextDecile = -1;
  let lastMb = -1;
  return {
    update(p) {
      start(p.resumedFrom);
      if (p.total) {
        const decile = Math.floor((p.received / p.total) * 10);
        if (decile <= nextDecile) return;
        nextDecile = decile;
        const r = rate(p.received);
        stream.write(`pull: ${decile * 10}% ${formatBytes(p.received)}/${formatBytes(p.total)} ${formatBytes(r)}/s ETA ${r > 0 ? formatDuration((p.total - p.received) / r) : '?'}\n`);
      } else {
        const step = Math.floor(p.received / 50e6); // every 50 MB when the size is unknown
        if (step <= lastMb) return;
        lastMb = step;
        stream.write(`pull: ${formatBytes(p.received)}\n`);
      }
    },
    stop() { /* nothing to tear down */ },
  };
}

export function pullCommand(): Command {
  return new Command('pull')
    .description('download a local GGUF model from the Hugging Face hub into TRUSTGEN_HOME/models (for llama:ALIAS)')
    .argument('[alias]', 'model alias from the catalog (see --list)', DEFAULT_MODEL_ALIAS)
    .option('--list', 'list the model aliases and exit')
    .addHelpText('after', '\nEnvironment: HF_ENDPOINT (hub mirror), HF_TOKEN (gated or private repos), TRUSTGEN_HOME (default ~/.trustgen).\nAn interrupted download resumes when pull is run again.')
    .action(async (alias: string, opts: { list?: boolean }) => {
      const home = trustgenHome();
      if (opts.list) {
        for (const m of loadCatalog().values()) {
          const mark = existsSync(modelFilePath(m, home)) ? ' [downloaded]' : '';
          const dflt = m.alias === DEFAULT_MODEL_ALIAS ? ' (default)' : '';
          process.stdout.write(`${m.alias}${dflt}${mark}\n  ${m.repo} ${m.file}@${m.revision}${m.size ? ` ~${formatBytes(m.size)}` : ''}\n${m.description ? `  ${m.description}\n` : ''}`);
        }
        return;
      }
      const model = findModel(alias);
      if (!model) {
        throw new UserInputError(`unknown model alias '${alias}'; known aliases: ${[...loadCatalog().keys()].join(', ')}`);
      }
      const ac = new AbortController();
      const onSigint = (): void => ac.abort(new Error('interrupted'));
      process.once('SIGINT', onSigint);
      const progress = progressReporter(process.stderr);
      let started = false;
      try {
        const res = await pullModel(alias, {
          home,
          signal: ac.signal,
          onProgress: (p) => {
            if (!started) {
              started = true;
              process.stderr.write(`pull: ${model.repo}/${model.file} from ${hfEndpoint()}${p.resumedFrom > 0 ? ` (resuming at ${formatBytes(p.resumedFrom)})` : ''}\n`);
            }
            progress.update(p);
          },
        });
        progress.stop();
        if (res.downloaded) process.stdout.write(`pulled ${alias} to ${res.path}\n`);
        else process.stdout.write(`${alias} is already downloaded: ${res.path}\n`);
      } catch (err) {
        progress.stop();
        if (ac.signal.aborted) {
          throw new Error(`pull of ${alias} interrupted; run \`trustgen pull ${alias}\` again to resume`);
        }
        throw err;
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
