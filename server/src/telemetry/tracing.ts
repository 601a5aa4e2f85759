import type { Logger } from 'pino';
import { BUILT_IN_PROVIDERS } from '../catalog/index.js';
import type { UsageRecord } from '../services/usage/usage-record.js';

/** What the /v1 pipeline tells tracing about one request once it is settled. */
export interface RequestTrace {
  record: UsageRecord;
  /** The model string the client sent (before resolution). */
  requestModel: string | null;
  /** Why generation stopped, one per choice, in one vocabulary for every provider: stop, length, tool_calls, content_filter. */
  finishReasons: readonly string[];
  /** epoch ms when the request arrived and when it was settled. */
  startedAt: number;
  endedAt: number;
}

/** Exists only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise nothing of OpenTelemetry is loaded. */
export interface RequestTracer {
  trace(request: RequestTrace): void;
  /** Exports every finished span now (tests, shutdown). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** gen_ai.operation.name per route: the conventions' well-known values, and a custom one for token counting. */
const OPERATIONS: Record<string, string> = {
  '/v1/chat/completions': 'chat',
  '/v1/messages': 'chat',
  '/v1/responses': 'chat',
  '/v1/embeddings': 'embeddings',
  '/v1/messages/count_tokens': 'count_tokens',
};

/** gen_ai.provider.name: the conventions' well-known value where the catalog names one (Google → gcp.gemini), else our id. */
const PROVIDER_NAMES: ReadonlyMap<string, string> = new Map(BUILT_IN_PROVIDERS.flatMap((p) => (p.telemetryName ? [[p.id, p.telemetryName]] : [])));

function providerAttributes(provider: string): Record<string, string> {
  const name = PROVIDER_NAMES.get(provider) ?? provider;
  // gen_ai.system is the deprecated name of gen_ai.provider.name, still read by many backends.
  return { 'gen_ai.provider.name': name, 'gen_ai.system': name };
}

/** The input served from and written to the provider's prompt cache (GenAI conventions: parts of gen_ai.usage.input_tokens), when any. */
function cacheUsage(record: UsageRecord): Record<string, number> {
  const out: Record<string, number> = {};
  if (record.promptCacheReadTokens) out['gen_ai.usage.cache_read.input_tokens'] = record.promptCacheReadTokens;
  if (record.promptCacheWriteTokens) out['gen_ai.usage.cache_creation.input_tokens'] = record.promptCacheWriteTokens;
  return out;
}

/**
 * OpenTelemetry tracing with the official SDK, imported only here and only when configured.
 * One SERVER span per /v1 request and one CLIENT span per upstream attempt, with the GenAI
 * semantic conventions' attributes (provider name, operation, request/response model, token usage,
 * finish reasons; the answering attempt's span carries the response attributes too); the spans are
 * built from the settled request (attempt times from their recorded latencies), so the hot path
 * pays nothing until settle, and nothing at all when tracing is off. Prompt and answer text are
 * never attached: the usage record carries none.
 */
export async function startTracing(options: { endpoint: string; serviceName: string; logger: Logger }): Promise<RequestTracer> {
  const [api, { BasicTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const { SpanKind, SpanStatusCode, ROOT_CONTEXT, trace } = api;
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, '')}/v1/traces` }))],
  });
  const tracer = provider.getTracer('ai-gateway');
  options.logger.info({ endpoint: options.endpoint }, 'OpenTelemetry tracing on');

  return {
    trace({ record, requestModel, finishReasons, startedAt, endedAt }) {
      const operation = OPERATIONS[record.endpoint] ?? 'chat';
      const answering = record.status < 400 ? record.attempts[record.attempts.length - 1] : undefined;
      const span = tracer.startSpan(
        `${operation} ${requestModel ?? record.model ?? ''}`.trim(),
        {
          kind: SpanKind.SERVER,
          startTime: startedAt,
          attributes: {
            'gen_ai.operation.name': operation,
            ...(record.provider ? providerAttributes(record.provider) : {}),
            ...(requestModel ? { 'gen_ai.request.model': requestModel } : {}),
            ...(answering ? { 'gen_ai.response.model': answering.model } : {}),
            ...(finishReasons.length > 0 ? { 'gen_ai.response.finish_reasons': [...finishReasons] } : {}),
            'gen_ai.usage.input_tokens': record.inputTokens,
            'gen_ai.usage.output_tokens': record.outputTokens,
            ...cacheUsage(record),
            'http.route': record.endpoint,
            'http.response.status_code': record.status,
            'gateway.request_id': record.requestId,
            'gateway.attempts': record.attempts.length,
            'gateway.tokens_estimated': record.tokensEstimated,
            'gateway.streamed': record.streamed,
            ...(record.errorCode ? { 'error.type': record.errorCode } : {}),
          },
        },
        ROOT_CONTEXT,
      );
      if (record.status >= 500 || record.errorCode) span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorCode ?? undefined });
      const parent = trace.setSpan(ROOT_CONTEXT, span);
      // Attempts run one after another; each starts where the previous one's latency ended.
      let at = startedAt;
      for (const a of record.attempts) {
        const start = Math.min(at, endedAt);
        // The answer came from this attempt: it carries the response's attributes too.
        const response =
          a === answering
            ? {
                'gen_ai.response.model': a.model,
                'gen_ai.usage.input_tokens': record.inputTokens,
                'gen_ai.usage.output_tokens': record.outputTokens,
                ...cacheUsage(record),
                ...(finishReasons.length > 0 ? { 'gen_ai.response.finish_reasons': [...finishReasons] } : {}),
              }
            : {};
        const child = tracer.startSpan(
          `${operation} ${a.model}`,
          {
            kind: SpanKind.CLIENT,
            startTime: start,
            attributes: {
              'gen_ai.operation.name': operation,
              ...providerAttributes(a.provider),
              'gen_ai.request.model': a.model,
              ...response,
              'gateway.key_source': a.keySource,
              ...(a.status !== null ? { 'http.response.status_code': a.status } : {}),
              ...(a.error ? { 'error.type': a.status !== null ? String(a.status) : 'no_response' } : {}),
            },
          },
          parent,
        );
        if (a.error || (a.status !== null && a.status >= 400)) child.setStatus({ code: SpanStatusCode.ERROR });
        child.end(start + a.latencyMs);
        at = start + a.latencyMs;
      }
      span.end(endedAt);
    },
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}
