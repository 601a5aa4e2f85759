import type { PipelineDeps, RequestState } from './state.js';

/**
 * One structured line per /v1 request at the default level, enough to explain any client failure
 * without the body or any credential: who (access key id), what (route, model), where it went
 * (provider, every attempt's outcome), how it ended (status, error code, tokens, latency).
 */
export function logRequest(state: RequestState, deps: PipelineDeps): void {
  // Below the logger's level the line and its fields are not even built.
  if (!deps.logger.isLevelEnabled('info')) return;
  const answered = state.attempt ?? state.sent;
  deps.logger.info(
    {
      requestId: state.requestId,
      accessKeyId: state.access?.accessKeyId ?? null,
      route: state.path,
      model: state.body?.model ?? null,
      provider: answered?.provider ?? null,
      upstreamModel: answered?.model ?? null,
      status: state.status,
      errorCode: state.errorCode,
      attempts: state.log.length,
      // Attempt errors are status lines and scrubbed upstream messages (the usage event keeps the same).
      attemptErrors: state.log.flatMap((a) => (a.error ? [`${a.provider}:${a.model}: ${a.error}`] : [])),
      streamed: state.streamed,
      inputTokens: state.usage?.inputTokens ?? 0,
      outputTokens: state.usage?.outputTokens ?? 0,
      latencyMs: Math.round(performance.now() - state.started),
    },
    'v1 request',
  );
}
