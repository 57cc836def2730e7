import { Command } from 'commander';
import { openDb } from '../store/db.js';
import { trustgenHome } from '../util/paths.js';
import { isLoopback } from '../viewer/http.js';
import { startViewer } from '../viewer/server.js';
import { FlagError, nonNegativeInt } from './errors.js';

export function viewCommand(): Command {
  return new Command('view')
    .description('Browse runs, scores and cases in a local web viewer over the store; annotate judgements.')
    .option('--port <n>', 'port to listen on (0 picks a free one)', nonNegativeInt('--port'), 8787)
    .option('--host <host>', 'address to bind (127.0.0.1 keeps the viewer on this machine)', '127.0.0.1')
    .action(async (opts: { port: number; host: string }) => {
      if (opts.port > 65535) throw new FlagError(`--port expects 0-65535, got ${opts.port}`);
      const home = trustgenHome();
      const db = openDb(home);
      let viewer;
      try {
        viewer = await startViewer(db, { host: opts.host, port: opts.port });
      } catch (e) {
        db.close();
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new FlagError(`port ${opts.port} on ${opts.host} is in use; pick another with --port (0 picks a free one)`);
        if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new FlagError(`cannot bind ${opts.host}: no such local address`);
        throw e;
      }
      if (!isLoopback(opts.host)) process.stderr.write(`trustgen: warning: the viewer on ${opts.host} is reachable from other machines and has no login\n`);
      process.stdout.write(`trustgen viewer on ${viewer.url} (store ${home}); Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => { process.off('SIGINT', stop); process.off('SIGTERM', stop); resolve(); };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await viewer.close();
      db.close();
    });
}
