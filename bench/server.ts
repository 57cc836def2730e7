/** The OpenAI-compatible test server as a separate process, so its CPU and memory are not the harness's. */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const SERVER = resolve('dist/test/servers/openai-server.js');

export interface BenchServer { url: string; close(): void }

export async function startBenchServer(latencyMs: number): Promise<BenchServer> {
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--port', '0', '--latency', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const m = /listening (\S+)/.exec(buf);
      if (m) res(m[1]);
    });
    child.once('exit', (code) => rej(new Error(`test server exited with ${code}`)));
  });
  return { url, close: () => { child.kill(); } };
}
