import type { SqlPool } from '../../db/pool.js';
import { formatUsd } from '../credits/money.js';
import type { UsageFilterInput } from './usage-queries.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Rows per query: a few hundred KB of CSV, then the next page only once the client has read it. */
const PAGE_ROWS = 1000;

interface ExportRow {
  id: string;
  created_at: Date;
  /** created_at as PostgreSQL prints it (microseconds kept), for the keyset. */
  at: string;
  request_id: string;
  access_key_id: string;
  endpoint: string;
  provider: string | null;
  model: string | null;
  virtual_model: string | null;
  status: number;
  error_code: string | null;
  streamed: boolean;
  cache_hit: boolean;
  input_tokens: number;
  output_tokens: number;
  prompt_cache_read_tokens: number;
  prompt_cache_write_tokens: number;
  web_search_calls: number;
  tokens_estimated: boolean;
  latency_ms: number;
  key_source: string | null;
  provider_key_id: string | null;
  fee_nano: string;
  upstream_cost_nano: string;
  provider_cost_nano: string | null;
  total_cost_nano: string;
  attempts: number;
}

const COLUMNS: readonly [string, (r: ExportRow) => string | number | boolean | null][] = [
  ['created_at', (r) => r.created_at.toISOString()],
  ['request_id', (r) => r.request_id],
  ['access_key_id', (r) => r.access_key_id],
  ['endpoint', (r) => r.endpoint],
  ['provider', (r) => r.provider],
  ['model', (r) => r.model],
  ['virtual_model', (r) => r.virtual_model],
  ['status', (r) => r.status],
  ['error_code', (r) => r.error_code],
  ['streamed', (r) => r.streamed],
  ['cache_hit', (r) => r.cache_hit],
  ['input_tokens', (r) => r.input_tokens],
  ['output_tokens', (r) => r.output_tokens],
  ['prompt_cache_read_tokens', (r) => r.prompt_cache_read_tokens],
  ['prompt_cache_write_tokens', (r) => r.prompt_cache_write_tokens],
  ['web_search_calls', (r) => r.web_search_calls],
  ['tokens_estimated', (r) => r.tokens_estimated],
  ['latency_ms', (r) => r.latency_ms],
  ['key_source', (r) => r.key_source],
  ['provider_key_id', (r) => r.provider_key_id],
  ['attempts', (r) => r.attempts],
  ['fee_usd', (r) => formatUsd(BigInt(r.fee_nano))],
  ['upstream_cost_usd', (r) => formatUsd(BigInt(r.upstream_cost_nano))],
  ['provider_cost_usd', (r) => (r.provider_cost_nano === null ? null : formatUsd(BigInt(r.provider_cost_nano)))],
  ['total_cost_usd', (r) => formatUsd(BigInt(r.total_cost_nano))],
];

/**
 * One CSV field (RFC 4180). Hand-written rather than a CSV package: it is these few lines.
 * Text a spreadsheet would run as a formula (model names are client-chosen) gets a leading `'`.
 */
function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const EXPORT_HEADER = `${COLUMNS.map(([name]) => name).join(',')}\r\n`;

/**
 * The account's usage events in [from, to), oldest first, as CSV text chunks. Pages are read by
 * keyset (created_at, id) only when the consumer pulls the next chunk, so memory stays constant
 * and a slow client slows the reads. A keyset walk rather than a DECLARE CURSOR: a cursor pins a
 * pooled connection and an open transaction for the whole download (and on the embedded database
 * an open transaction blocks every other writer).
 */
export async function* exportUsageCsv(
  sql: SqlPool,
  accountId: string,
  range: { from: Date; to: Date },
  filter: UsageFilterInput = {},
): AsyncGenerator<string> {
  yield EXPORT_HEADER;
  if (filter.accessKeyId && !UUID.test(filter.accessKeyId)) return;
  const params: unknown[] = [accountId, range.from, range.to];
  const where = ['account_id = $1', 'created_at >= $2', 'created_at < $3'];
  const add = (column: string, op: string, value: unknown) => {
    params.push(value);
    where.push(`${column} ${op} $${params.length}`);
  };
  if (filter.accessKeyId) add('access_key_id', '=', filter.accessKeyId);
  if (filter.provider) add('provider', '=', filter.provider);
  if (filter.model) add('model', '=', filter.model);
  if (filter.status !== null && filter.status !== undefined) add('status', '=', filter.status);
  if (filter.requestId) add('request_id', '=', filter.requestId);
  if (filter.errorsOnly) where.push('status >= 400');
  const n = params.length;
  const text = `select id, created_at, created_at::text as at, request_id, access_key_id, endpoint, provider, model, virtual_model, status, error_code, streamed,
      cache_hit, input_tokens, output_tokens, prompt_cache_read_tokens, prompt_cache_write_tokens, web_search_calls, tokens_estimated, latency_ms, key_source, provider_key_id, fee_nano::text,
      upstream_cost_nano::text, provider_cost_nano::text, total_cost_nano::text, jsonb_array_length(attempts) as attempts
    from usage_event where ${where.join(' and ')} and (created_at, id) > ($${n + 1}::timestamptz, $${n + 2}::uuid)
    order by created_at, id limit ${PAGE_ROWS}`;
  let after: [string, string] = ['-infinity', '00000000-0000-0000-0000-000000000000'];
  for (;;) {
    const { rows } = await sql.query<ExportRow>(text, [...params, ...after]);
    if (rows.length === 0) return;
    yield rows.map((r) => `${COLUMNS.map(([, get]) => csvField(get(r))).join(',')}\r\n`).join('');
    if (rows.length < PAGE_ROWS) return;
    const last = rows[rows.length - 1];
    after = [last.at, last.id];
  }
}
