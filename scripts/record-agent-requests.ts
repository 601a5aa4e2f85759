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
 *   TEST_DATABASE_URL=… npx tsx scripts/record-agent-requests.ts /path/to/scratch
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAccount } from '../test/support/credits.js';
import { startGatewayFixture } from '../test/support/gateway-fixture.js';

/** Headers worth keeping: the ones that steer format, version and features. Never credentials. */
const KEPT_HEADERS = /^(content-type|accept|anthropic-version|anthropic-beta|openai-beta|x-stainless-helper-method|x-stainless-lang|x-stainless-package-version|user-agent|originator|session_id|version)$/;

interface Captured {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const scratch = resolve(process.argv[2] ?? '.');
const outDir = resolve('test/fixtures/agents');
const f = await startGatewayFixture();
const account = await createAccount(f, { purchaseUsd: '50.00', providerKeys: { openai: 'sk-record-openai', anthropic: 'sk-ant-record' } });

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
  for (const secret of [account.accessToken, 'sk-record-openai', 'sk-ant-record']) text = text.split(secret).join('<redacted>');
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

// Codex CLI: `codex exec` with a model provider whose base_url is the gateway.
{
  const codexHome = mkdtempSync(join(tmpdir(), 'codex-home-'));
  const cwd = mkdtempSync(join(tmpdir(), 'codex-work-'));
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model = "gpt-6.2-sol"',
      'model_provider = "gateway"',
      '',
      '[model_providers.gateway]',
      'name = "AI gateway"',
      `base_url = "${proxyUrl}/v1"`,
      'env_key = "GATEWAY_KEY"',
      'wire_api = "responses"',
      '',
    ].join('\n'),
  );
  await record('codex', bin('codex'), ['exec', '--skip-git-repo-check', 'say hi'], { HOME: codexHome, CODEX_HOME: codexHome, GATEWAY_KEY: account.accessToken }, cwd);
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
