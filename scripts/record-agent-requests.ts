/**
 * Records what real agents send, for the replay test (test/integration/agent-fixtures.test.ts).
 *
 * Starts the gateway in-process against the simulated upstream (as the integration tests do), a
 * capture proxy in front of it, then runs each client pointed at the proxy. Every request the
 * proxy sees is written, sanitized (no credentials, the temporary paths replaced), under
 * test/fixtures/agents/<client>/. The CLIs are NOT project dependencies: install them elsewhere
 * (`npm install @anthropic-ai/claude-code @openai/codex ai @ai-sdk/openai @ai-sdk/anthropic zod`
 * in a scratch directory) and pass that directory:
 *
 *   TEST_DATABASE_URL=… npx tsx scripts/record-agent-requests.ts /path/to/scratch [name…]
 *
 * Names (e.g. `codex-multiturn`) record only those clients. The `-multiturn` recordings are tool
 * loops with reasoning: the simulated upstream answers the first turn with thinking and a shell
 * tool call the agent runs (`echo hi`), the second with text. Codex talks to Claude; Claude Code's
 * first turn is answered by DeepSeek (reasoning, unsigned once it is thinking) and its second by
 * Claude, through a virtual model, as a fallback would.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAccount } from '../test/support/credits.js';
import type { RecordedRequest } from '../test/support/fake-upstream.js';
import { startGatewayFixture } from '../test/support/gateway-fixture.js';
import { gqlOk } from '../test/support/graphql.js';

/** Headers worth keeping: the ones that steer format, version and features. Never credentials. */
const KEPT_HEADERS = /^(content-type|accept|anthropic-version|anthropic-beta|openai-beta|x-stainless-helper-method|x-stainless-lang|x-stainless-package-version|user-agent|originator|session_id|version)$/;

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const scratch = resolve(process.argv[2] ?? '.');
const only = process.argv.slice(3);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const outDir = resolve('test/fixtures/agents');
const f = await startGatewayFixture();
const account = await createAccount(f, { purchaseUsd: '50.00', providerKeys: { openai: 'sk-record-openai', anthropic: 'sk-ant-record', deepseek: 'sk-record-deepseek' } });
// Claude Code thinks with a budget (extended thinking) for a name it reads as Claude Sonnet 4.5.
await gqlOk(
  f.baseUrl,
  'mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id } }',
  { input: { name: 'claude-sonnet-4-5-mix', targets: [{ model: 'deepseek:deepseek-reasoner' }, { model: 'anthropic:claude-sonnet-4-5' }] } },
  account.token,
);

let captured: Captured[] = [];
const proxy = createServer((req, res) => {
  void (async () => {
    const raw = await read(req);
    let body: unknown = raw;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      // keep text
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (KEPT_HEADERS.test(name) && typeof value === 'string') headers[name] = value;
    captured.push({ method: req.method ?? 'GET', path: req.url ?? '/', headers, body });
    const forwarded = { ...req.headers } as Record<string, string>;
    delete forwarded.host;
    delete forwarded['content-length'];
    const upstream = await fetch(`${f.baseUrl}${req.url}`, { method: req.method, headers: forwarded, body: raw === '' ? undefined : raw });
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
    });
    res.writeHead(upstream.status, out);
    if (upstream.body) for await (const chunk of upstream.body) res.write(chunk);
    res.end();
  })().catch((err: unknown) => {
    console.error('proxy error', err);
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
});
await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

async function record(name: string, command: string, args: string[], env: Record<string, string>, cwd: string): Promise<void> {
  if (!wanted(name)) return;
  captured = [];
  const code = await new Promise<number | null>((done) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (c) => {
      clearTimeout(timer);
      console.log(`--- ${name} exited ${c}\n${output.slice(-2000)}`);
      done(c);
    });
  });
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  captured
    .filter((c) => c.method === 'POST')
    .forEach((c, i) => writeFileSync(join(dir, `${String(i + 1).padStart(2, '0')}${c.path.replace(/\?.*$/, '').replace(/[^a-z0-9]+/gi, '-')}.json`), sanitize(c) + '\n'));
  console.log(`${name}: exit ${code}, ${captured.length} requests: ${captured.map((c) => `${c.method} ${c.path}`).join(', ')}`);
}

/** No credentials, no machine or install identifiers, no temporary paths: fixtures are committed. */
function sanitize(c: Captured): string {
  let text = JSON.stringify(c, null, 2);
  for (const secret of [account.accessToken, 'sk-record-openai', 'sk-ant-record', 'sk-record-deepseek']) text = text.split(secret).join('<redacted>');
  text = text
    .replace(/\/tmp\/[a-z-]+-home-[A-Za-z0-9]+/g, '/home/user')
    .replace(/\/tmp\/[a-z-]+-work-[A-Za-z0-9]+/g, '/work/project')
    .replace(/-tmp-[a-z-]+-work-[A-Za-z0-9]+/g, '-work-project')
    .replace(/\b[0-9a-f]{64}\b/g, '0'.repeat(64));
  // Session, turn and installation ids: the same id stays the same placeholder.
  const ids = new Map<string, string>();
  text = text.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, (id) => {
    if (!ids.has(id)) ids.set(id, `00000000-0000-4000-8000-${String(ids.size + 1).padStart(12, '0')}`);
    return ids.get(id) as string;
  });
  return text;
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => done(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

const bin = (name: string) => join(scratch, 'node_modules', '.bin', name);

// Claude Code, print mode, as its users point it at a gateway.
{
  const home = mkdtempSync(join(tmpdir(), 'cc-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'cc-work-'));
  await record('claude-code', bin('claude'), ['-p', 'say hi'], {
    HOME: home,
    ANTHROPIC_BASE_URL: proxyUrl,
    ANTHROPIC_API_KEY: account.accessToken,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  }, cwd);
}

/** Codex's config.toml for the gateway as README's quickstart has it, plus `extra` settings. */
function codexHome(model: string, extra: string[] = []): string {
  const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
  writeFileSync(
    join(home, 'config.toml'),
    [
      `model = "${model}"`,
      'model_provider = "gateway"',
      ...extra,
      '',
      '[model_providers.gateway]',
      'name = "AI gateway"',
      `base_url = "${proxyUrl}/v1"`,
      'env_key = "GATEWAY_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  return home;
}

// Codex CLI: `codex exec` with a model provider whose base_url is the gateway.
{
  const home = codexHome('gpt-6.2-sol');
  const cwd = mkdtempSync(join(tmpdir(), 'codex-work-'));
  await record('codex', bin('codex'), ['exec', '--skip-git-repo-check', 'say hi'], { HOME: home, CODEX_HOME: home, GATEWAY_KEY: account.accessToken }, cwd);
}

const hasTool = (r: RecordedRequest, name: string) => Array.isArray((r.body as { tools?: unknown } | undefined)?.tools) && JSON.stringify((r.body as { tools: unknown }).tools).includes(`"name":"${name}"`);
const prompt = 'Run `echo hi` in the shell and tell me what it printed.';
const thought = 'The user wants me to run echo hi.';

// Codex CLI on Claude with reasoning, a tool loop: its second request returns Claude's signed
// thinking in the reasoning item's encrypted_content.
{
  f.upstream.reset();
  f.upstream.scriptFor(
    (r) => r.path === '/anthropic/v1/messages' && hasTool(r, 'exec_command'),
    { kind: 'ok', reasoning: thought, toolCall: { name: 'exec_command', arguments: '{"cmd":"echo hi"}' } },
    { kind: 'ok', text: 'The command printed hi.' },
  );
  const home = codexHome('claude-sonnet-4-5', ['model_reasoning_effort = "medium"']);
  const cwd = mkdtempSync(join(tmpdir(), 'codex-work-'));
  // The sandbox needs kernel features containers often lack; the command is `echo hi`.
  const args = ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt];
  await record('codex-multiturn', bin('codex'), args, { HOME: home, CODEX_HOME: home, GATEWAY_KEY: account.accessToken }, cwd);
}

// Claude Code on extended thinking, a tool loop DeepSeek opens (its reasoning comes back as
// unsigned thinking) and Claude continues.
{
  f.upstream.reset();
  const bash = { name: 'Bash', arguments: '{"command":"echo hi","description":"Print hi"}' };
  f.upstream.scriptFor((r) => r.path === '/deepseek/v1/chat/completions' && hasTool(r, 'Bash'), { kind: 'ok', reasoning: thought, toolCall: bash }, { kind: 'status', status: 500 });
  f.upstream.scriptFor((r) => r.path === '/anthropic/v1/messages' && hasTool(r, 'Bash'), { kind: 'ok', text: 'The command printed hi.' });
  const home = mkdtempSync(join(tmpdir(), 'cc-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'cc-work-'));
  // --dangerously-skip-permissions is refused as root: the one tool is allowed instead.
  await record('claude-code-multiturn', bin('claude'), ['-p', prompt, '--allowedTools', 'Bash'], {
    HOME: home,
    ANTHROPIC_BASE_URL: proxyUrl,
    ANTHROPIC_AUTH_TOKEN: account.accessToken,
    ANTHROPIC_MODEL: 'claude-sonnet-4-5-mix',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  }, cwd);
}

// Vercel AI SDK generateObject: OpenAI provider (Responses by default, then Chat) and Anthropic provider.
{
  // In the scratch directory: ESM resolves packages from the importing file's location.
  const script = join(scratch, 'record-generate-object.mjs');
  writeFileSync(
    script,
    `import { generateObject } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { z } from 'zod';
const schema = z.object({ city: z.string(), population: z.number() });
const openai = createOpenAI({ baseURL: process.env.BASE + '/v1', apiKey: process.env.KEY });
const anthropic = createAnthropic({ baseURL: process.env.BASE + '/v1', apiKey: process.env.KEY });
for (const model of [openai('gpt-6.2-sol'), openai.chat('gpt-6.2-sol'), anthropic('claude-opus-4-8')]) {
  try { console.log(JSON.stringify((await generateObject({ model, schema, prompt: 'The largest city of France and its population.' })).object)); }
  catch (e) { console.log('generateObject failed (expected against the simulated provider):', e.message); }
}
`,
  );
  await record('ai-sdk-generate-object', process.execPath, [script], { BASE: proxyUrl, KEY: account.accessToken }, scratch);
}

proxy.close();
await f.stop();
