import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { gqlOk } from './test/support/graphql.js';
import { startTestServer } from './test/support/test-app.js';
import { usageEventGenerator } from './bench/usage-events.js';
import { storableText, type UsageRecord } from './server/src/services/usage/usage-record.js';

const mode = process.argv[2] ?? 'pg';
if (mode === 'pg') process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres'; else delete process.env.TEST_DATABASE_URL;
const server = await startTestServer({ LOG_LEVEL: 'warn' });
const base = server.url;
const { signUp } = await gqlOk<any>(base, 'mutation($input: SignUpInput!) { signUp(input: $input) { token account { id } } }', { input: { email: `v${Date.now()}@example.com`, password: 'usage cost benchmark 1', name: 'x' } });
const keys: string[] = [];
for (let i = 0; i < 8; i++) keys.push((await gqlOk<any>(base, 'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { accessKey { id } } }', { input: { name: `k${i}`, description: null, configurationId: null } }, signUp.token)).createAccessKey.accessKey.id);
const now = Date.now();
const gen = (n: number, seed: number) => { const g = usageEventGenerator({ accountId: signUp.account.id, accessKeyIds: keys, providerKeyIds: [], events: n, from: new Date(now - 7200000), to: new Date(now), seed }); const o: UsageRecord[] = []; for (let r = g.next(); r; r = g.next()) o.push(r); return o; };
for (const r of gen(20000, 1)) server.services.usage.record(r);
await server.services.usage.flush();
const client = new pg.Client({ connectionString: (server.services.sql as any).options.connectionString });
await client.connect();
const COLS = ['id','request_id','account_id','access_key_id','endpoint','provider','model','status','streamed','input_tokens','output_tokens','tokens_estimated','latency_ms','key_source','provider_key_id','fee_nano','upstream_cost_nano','total_cost_nano','provider_cost_nano','cache_hit','virtual_model','firewall','error_code','attempts','created_at'].map(c=>`"${c}"`).join(', ');
const row = (r: UsageRecord) => ({ id: randomUUID(), request_id: r.requestId, account_id: r.accountId, access_key_id: r.accessKeyId, endpoint: r.endpoint, provider: r.provider, model: r.model, status: r.status, streamed: r.streamed, input_tokens: r.inputTokens, output_tokens: r.outputTokens, tokens_estimated: r.tokensEstimated, latency_ms: r.latencyMs, key_source: r.keySource, provider_key_id: r.providerKeyId, fee_nano: r.feeNano.toString(), upstream_cost_nano: r.upstreamCostNano.toString(), total_cost_nano: r.totalCostNano.toString(), provider_cost_nano: r.providerCostNano == null ? null : r.providerCostNano.toString(), cache_hit: r.cacheHit ?? false, virtual_model: r.virtualModel ?? null, firewall: r.firewall ?? [], error_code: r.errorCode, attempts: r.attempts, created_at: r.createdAt });
const TYPES = `"id" uuid, "request_id" varchar(64), "account_id" uuid, "access_key_id" uuid, "endpoint" varchar(64), "provider" varchar(64), "model" varchar(256), "status" int, "streamed" boolean, "input_tokens" int, "output_tokens" int, "tokens_estimated" boolean, "latency_ms" int, "key_source" varchar(16), "provider_key_id" uuid, "fee_nano" bigint, "upstream_cost_nano" bigint, "total_cost_nano" bigint, "provider_cost_nano" bigint, "cache_hit" boolean, "virtual_model" varchar(128), "firewall" jsonb, "error_code" varchar(64), "attempts" jsonb, "created_at" timestamptz`;
const UN = `unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::text[], $6::text[], $7::text[], $8::int4[], $9::bool[], $10::int4[], $11::int4[], $12::bool[], $13::int4[], $14::text[], $15::uuid[], $16::int8[], $17::int8[], $18::int8[], $19::int8[], $20::bool[], $21::text[], $22::jsonb[], $23::text[], $24::jsonb[], $25::timestamptz[])`;
const variants: Record<string, string> = {
  populate: `select count(*) from json_populate_recordset(null::"usage_event", $1::json)`,
  unnest: `select count(*) from ${UN}`,
  unnestInsert: `insert into "usage_event" (${COLS}) select * from ${UN}`,
  populateInsert: `insert into "usage_event" (${COLS}) select ${COLS} from json_populate_recordset(null::"usage_event", $1::json)`,
};
const res: Record<string, number[]> = {};
for (let round = 0; round < Number(process.argv[3] ?? 30); round++) {
  for (const [name, sql] of Object.entries(variants)) {
    const batch = gen(200, 1000 + round).map(row);
    await client.query('begin');
    const t = performance.now();
    if (name.startsWith('unnest')) { const ks = Object.keys(batch[0]); await client.query(sql, ks.map((k) => batch.map((b: any) => k === 'attempts' || k === 'firewall' ? JSON.stringify(b[k]) : b[k]))); }
    else await client.query(sql, [JSON.stringify(batch)]);
    (res[name] ??= []).push(performance.now() - t);
    await client.query('rollback');
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(12), med(v).toFixed(2), 'ms/batch of 200');
const ex:any = null; if(0) await client.query(`begin; explain (analyze, buffers) ${variants.current.replace('$1::json', `'${JSON.stringify(gen(200, 5555).map(row))}'::json`)}`).catch(e=>e);

await client.query('rollback');
await client.end();
await server.stop();
process.exit(0);
