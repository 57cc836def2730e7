import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { request } from 'node:http';
import { startOpenAIServer } from '../servers/openai-server.js';
import { startAnthropicServer } from '../servers/anthropic-server.js';
import { startOllamaServer } from '../servers/ollama-server.js';

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, text: await r.text() };
}

describe('test servers', () => {
  it('faults are reproducible from their seed', async () => {
    const run = async (): Promise<string[]> => {
      const s = await startOpenAIServer({ faults: { rate429: 0.3, rate500: 0.2, seed: 42 } });
      try {
        const statuses: string[] = [];
        for (let i = 0; i < 20; i++) statuses.push(String((await post(`${s.url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] })).status));
        return statuses;
      } finally {
        await s.close();
      }
    };
    const a = await run();
    const b = await run();
    assert.deepEqual(a, b);
    assert.ok(a.includes('429') && a.includes('500') && a.includes('200'), a.join(','));
  });

  it('rejects wrong wire shapes as the real APIs do', async () => {
    const o = await startOpenAIServer();
    const an = await startAnthropicServer();
    const ol = await startOllamaServer();
    try {
      assert.equal((await post(`${o.url}/chat/completions`, { model: 'm', messages: [{ role: 'human', content: 'x' }] })).status, 400);
      const sys = await post(`${an.url}/v1/messages`, { model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
      assert.equal(sys.status, 400);
      assert.match(sys.text, /top-level `system`/);
      assert.equal((await post(`${an.url}/v1/messages`, { model: 'm', messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' })).status, 400);
      assert.equal((await post(`${an.url}/v1/messages`, { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }, { 'x-api-key': 'k' })).status, 400);
      // Ollama streams NDJSON unless stream:false.
      const streamed = await post(`${ol.url}/api/chat`, { model: 'llama3.2:3b', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(streamed.text.trim().split('\n').length, 2);
    } finally {
      await Promise.all([o.close(), an.close(), ol.close()]);
    }
  });

  it('close() ends keep-alive and hanging connections promptly', async () => {
    const s = await startOpenAIServer({ faults: { rateTimeout: 1 } });
    const port = s.port;
    // A keep-alive GET, then a request that hangs.
    const agentReq = (path: string, method = 'GET', body?: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const r = request({ host: '127.0.0.1', port, path, method, headers: { connection: 'keep-alive', 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        r.on('error', reject);
        r.end(body);
      });
    assert.equal(await agentReq('/v1/models'), 200);
    const hanging = agentReq('/v1/chat/completions', 'POST', JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await s.close();
    assert.ok(Date.now() - started < 1000);
    assert.ok((await hanging) instanceof Error);
    assert.equal(s.requests[1].status, 0);
    assert.equal(s.requests[1].completed, false);
  });

  it('runs standalone and prints its URL', async () => {
    const script = fileURLToPath(new URL('../servers/openai-server.js', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--latency', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      child.stdout.setEncoding('utf8');
      while (!/listening (\S+)\n/.test(out)) {
        const [chunk] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => { throw new Error('server exited'); })])) as [string];
        out += chunk;
      }
      const url = /listening (\S+)\n/.exec(out)![1];
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const r = await post(`${url}/chat/completions`, { model: 'm', messages: [{ role: 'user', content: 'hello there' }] });
      assert.equal(r.status, 200);
      assert.match(JSON.parse(r.text).choices[0].message.content, /hello there/);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
