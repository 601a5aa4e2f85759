/** Usage shapes differ in one way that matters: OpenAI prompt_tokens includes cached input, Anthropic input_tokens does not. */

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** All input an Anthropic request was billed for: fresh + cache writes + cache reads. */
export function anthropicInputTokens(usage: Record<string, unknown>): number {
  return num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens);
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
}

export function anthropicUsageToChat(usage: unknown): ChatUsage {
  const u = isRecord(usage) ? usage : {};
  const prompt = anthropicInputTokens(u);
  const completion = num(u.output_tokens);
  const out: ChatUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  const cached = num(u.cache_read_input_tokens);
  if (cached > 0) out.prompt_tokens_details = { cached_tokens: cached };
  return out;
}

export function chatUsageToAnthropic(usage: unknown): AnthropicUsage {
  const u = isRecord(usage) ? usage : {};
  const details = isRecord(u.prompt_tokens_details) ? u.prompt_tokens_details : undefined;
  const cached = details === undefined ? 0 : num(details.cached_tokens);
  const prompt = num(u.prompt_tokens);
  const out: AnthropicUsage = { input_tokens: Math.max(0, prompt - cached), output_tokens: num(u.completion_tokens) };
  if (cached > 0) out.cache_read_input_tokens = cached;
  return out;
}
