/**
 * Runs inside a network namespace that has only loopback (`unshare -rn sh -c 'ip link set lo up && node
 * netns-driver.js'`): starts the OpenAI-compatible test server there, then runs the trustgen commands given
 * as JSON in argv[2] ({ env, commands: string[][] }) one after another, each with the run id of the first
 * substituted for RUN_ID. Prints one JSON line: [{ args, code, signal, stderr }].
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startOpenAIServer } from './openai-server.js';

interface Plan { env: Record<string, string>; commands: string[][]; cli: string }
interface Outcome { args: string[]; code: number | null; signal: string | null; stdout: string; stderr: string }

function run(cli: string, args: string[], env: NodeJS.ProcessEnv): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => done({ args, code, signal, stdout, stderr }));
  });
}

const plan = JSON.parse(process.argv[2] ?? '{}') as Plan;
const server = await startOpenAIServer({ requireKey: plan.env.OPENAI_API_KEY });
const outcomes: Outcome[] = [];
let runId = '';
try {
  for (const command of plan.commands) {
    const args = command.map((a) => a.replace('RUN_ID', runId));
    const o = await run(resolve(plan.cli), args, { ...plan.env, OPENAI_BASE_URL: server.url });
    runId ||= /run (\d{8}-\d{6}-[0-9a-f]{6})/.exec(o.stdout + o.stderr)?.[1] ?? '';
    outcomes.push(o);
  }
} finally {
  await server.close();
}
process.stdout.write(`${JSON.stringify({ outcomes, requests: server.requests.length })}\n`);
