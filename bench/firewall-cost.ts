import { writeFileSync } from 'node:fs';
import { gqlOk } from '../test/support/graphql.js';
import { runLoad } from './load.js';
import { installCleanup, spawnGateway } from './processes.js';
import { describeMachine } from './report.js';
import { startZeroUpstream } from './zero-upstream.js';

/**
 * `npm run bench:firewall`: what a typical firewall policy adds to the gateway's own CPU per
 * request, for a 2 KB prompt. One gateway process, two access keys that differ only in their
 * configuration (none vs one policy with every PII type redacted and restored plus a deny
 * pattern); rounds alternate between them so machine drift hits both alike.
 *
 * Env: BENCH_DATABASE_URL (PostgreSQL; else embedded), BENCH_DURATION (s per round, default 5),
 * BENCH_ROUNDS (default 4). Writes bench/FIREWALL-RESULTS.md.
 */
const durationSec = Number(process.env.BENCH_DURATION ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = 16;
/** `-- --cpu-prof[=DIR]`: the gateway runs under node --cpu-prof (default /tmp/gateway-cpu-prof). */
const cpuProfArg = process.argv.find((a) => a.startsWith('--cpu-prof'));
const cpuProfDir = cpuProfArg ? (cpuProfArg.split('=')[1] ?? '/tmp/gateway-cpu-prof') : undefined;
const log = (s: string) => process.stderr.write(`[bench:firewall] ${s}\n`);

const PARAGRAPH =
  'The quarterly report for the northern region shows steady growth in subscriptions, with churn below two percent. ' +
  'Please send the summary to jane.doe@example.com and copy the regional lead. ';
let prompt = '';
while (prompt.length < 2048) prompt += PARAGRAPH;
const BODY = JSON.stringify({
  model: 'gpt-4o-mini',
  max_tokens: 64,
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: prompt },
  ],
});

const TYPICAL_POLICY = {
  name: 'typical',
  mode: 'ENFORCE',
  onError: 'BLOCK',
  rules: [
    { kind: 'DENY_PATTERN', pattern: '(?i)(internal only|project\\s+falcon)' },
    { kind: 'REDACT_PII', piiTypes: ['EMAIL', 'PHONE', 'CREDIT_CARD', 'IBAN', 'IP_ADDRESS', 'API_KEY'], restoreInResponse: true },
  ],
};

async function setUp(baseUrl: string): Promise<{ plain: string; guarded: string }> {
  const { signUp } = await gqlOk<{ signUp: { token: string } }>(
    baseUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
    { input: { email: `fw-bench-${Date.now()}@example.com`, password: 'benchmark password 1', name: 'Firewall bench' } },
  );
  const session = signUp.token;
  const call = <T>(query: string, variables: Record<string, unknown> = {}) => gqlOk<T>(baseUrl, query, variables, session);
  await call('mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }', {
    input: { provider: 'openai', name: 'bench', key: 'sk-bench-0000000000000000', priority: 0 },
  });
  await call('mutation { purchaseCredits(amountUsd: "1000.00") { id } }');
  const policy = await call<{ createFirewallPolicy: { id: string } }>('mutation($input: FirewallPolicyInput!) { createFirewallPolicy(input: $input) { id } }', {
    input: TYPICAL_POLICY,
  });
  const configuration = await call<{ createAccessKeyConfiguration: { id: string } }>(
    'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
    { input: { name: 'guarded', firewallPolicyIds: [policy.createFirewallPolicy.id] } },
  );
  const key = async (configurationId: string | null) =>
    (
      await call<{ createAccessKey: { token: string } }>('mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }', {
        input: { name: configurationId ? 'guarded' : 'plain', description: null, configurationId },
      })
    ).createAccessKey.token;
  return { plain: await key(null), guarded: await key(configuration.createAccessKeyConfiguration.id) };
}

async function main(): Promise<void> {
  installCleanup();
  const upstream = await startZeroUpstream();
  const gateway = await spawnGateway({ upstreamUrl: `http://127.0.0.1:${upstream.port}`, databaseUrl: process.env.BENCH_DATABASE_URL,
    nodeFlags: cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [],
  });
  try {
    const keys = await setUp(gateway.url);
    const url = `${gateway.url}/v1/chat/completions`;
    const measure = async (token: string, seconds: number) => {
      const before = await gateway.stats();
      const load = await runLoad({ url, body: BODY, headers: { authorization: `Bearer ${token}` }, connections: CONNECTIONS, durationSec: seconds });
      const after = await gateway.stats();
      if (load.non2xx > 0 || load.errors > 0) throw new Error(`${load.non2xx} non-2xx and ${load.errors} errors under load`);
      return (after.cpuMicros - before.cpuMicros) / load.total;
    };
    log('warming up');
    await measure(keys.plain, 2);
    await measure(keys.guarded, 2);
    const plain: number[] = [];
    const guarded: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so drift within a round does not favour either.
      const order = r % 2 === 0 ? (['plain', 'guarded'] as const) : (['guarded', 'plain'] as const);
      for (const which of order) (which === 'plain' ? plain : guarded).push(await measure(keys[which], durationSec));
      log(`round ${r + 1}: plain ${plain.at(-1)!.toFixed(0)} µs, guarded ${guarded.at(-1)!.toFixed(0)} µs`);
    }
    const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
    const p = median(plain);
    const g = median(guarded);
    const m = describeMachine();
    const report = [
      '# Firewall policy cost (`npm run bench:firewall`)',
      '',
      `Machine: ${m.cpus} × ${m.cpuModel}, ${Math.round(m.memoryGiB)} GiB, Node ${m.node}, ${m.date}. Database: ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'embedded'}. ` +
        `${rounds} alternating rounds of ${durationSec} s at ${CONNECTIONS} connections, non-streaming chat completions with a ` +
        `${prompt.length}-character prompt against the zero-latency simulated provider; medians.`,
      '',
      '| access key | gateway CPU per request |',
      '|---|---:|',
      `| no firewall policy | ${p.toFixed(0)} µs |`,
      `| typical policy (deny pattern + every PII type redacted and restored) | ${g.toFixed(0)} µs |`,
      `| **added by the policy** | **${(g - p).toFixed(0)} µs (${(((g - p) / p) * 100).toFixed(1)}%)** |`,
      '',
      'Goal: under 20% of the gateway\'s own cost. A key without policies pays one length check.',
      '',
    ].join('\n');
    // A profiled run's numbers are skewed by the profiler: shown, not recorded.
    if (!cpuProfDir) writeFileSync('bench/FIREWALL-RESULTS.md', report);
    process.stdout.write(report);
  } finally {
    await gateway.stop();
    await upstream.close();
  }
}

await main();
