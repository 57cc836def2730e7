import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startAnthropicServer } from '../servers/anthropic-server.js';
import { startGeminiServer } from '../servers/gemini-server.js';
import { startOllamaServer } from '../servers/ollama-server.js';
import type { TestServer } from '../servers/base.js';
import { cleanEnv, runCli, tempHome } from './cli.js';

describe('trustgen run against each protocol', { timeout: 180_000 }, () => {
  const servers: TestServer[] = [];
  after(async () => { await Promise.all(servers.map((s) => s.close())); });

  async function runAgainst(model: string, server: TestServer, env: Record<string, string>) {
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--model', model, '--limit', '24', '--out', join(home, 'o')], cleanEnv({ TRUSTGEN_HOME: home, ...env }));
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(readFileSync(join(home, 'o', 'results.json'), 'utf8'));
    assert.equal(typeof doc.scores[model].safety, 'number');
    assert.equal(doc.details[model].safety.n, 24);
    assert.equal(server.requests.length, 24);
    return doc;
  }

  it('Anthropic Messages API: system prompt as the top-level field, turns with real roles', async () => {
    const server = await startAnthropicServer({ requireKey: 'sk-ant-test' });
    servers.push(server);
    await runAgainst('anthropic:claude-test', server, { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'sk-ant-test' });
    const withSystem = server.requests.filter((q) => typeof q.body.system === 'string' && q.body.system.length > 0);
    assert.ok(withSystem.length > 0, 'injection cases send their task as the system prompt');
    for (const q of server.requests) assert.ok(q.body.messages.every((m: any) => m.role === 'user' || m.role === 'assistant'));
  });

  it('Ollama native API at OLLAMA_HOST', async () => {
    const server = await startOllamaServer();
    servers.push(server);
    await runAgainst('ollama:llama-test', server, { OLLAMA_HOST: server.url });
    assert.ok(server.requests.every((q) => q.path === '/api/chat' && q.body.stream === false));
  });

  it('Gemini generateContent, and with no --model a running Ollama is picked', async () => {
    const server = await startGeminiServer();
    servers.push(server);
    await runAgainst('google:gemini-test', server, { GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_API_KEY: 'g-key' });
    const ollama = await startOllamaServer({ models: ['qwen-local'] });
    servers.push(ollama);
    const home = tempHome();
    const r = await runCli(['run', '--dimensions', 'safety', '--limit', '3'], cleanEnv({ TRUSTGEN_HOME: home, OLLAMA_HOST: ollama.url }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ollama:/);
  });
});
