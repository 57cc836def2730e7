import type { ChildProcess } from 'node:child_process';
import { startCli } from '../e2e/cli.js';

export interface ViewerProcess { url: string; child: ChildProcess; stop(): Promise<void> }

/** Start `trustgen view` as a child process and wait for the URL it prints. */
export function startViewerProcess(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ViewerProcess> {
  const child = startCli(['view', ...args], env);
  let out = '';
  let err = '';
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`trustgen view printed no URL in ${timeoutMs} ms\n${out}\n${err}`)); }, timeoutMs);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /viewer on (http:\/\/\S+\/)/.exec(out);
      if (m) { clearTimeout(timer); resolve({ url: m[1], child, stop }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`trustgen view exited with ${code}\n${out}\n${err}`)); });
  });
}
