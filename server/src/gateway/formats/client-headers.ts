/**
 * Statuses a retry cannot fix: the same request would get the same answer. The OpenAI and
 * Anthropic SDKs honour `x-should-retry` before their own status rules (Claude Code otherwise
 * retries an invalid key for minutes).
 */
const NOT_RETRYABLE: ReadonlySet<number> = new Set([400, 401, 402, 403, 404]);

export function shouldRetryHeader(status: number): string | undefined {
  return NOT_RETRYABLE.has(status) ? 'false' : undefined;
}

