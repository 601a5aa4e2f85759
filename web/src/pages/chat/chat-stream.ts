/**
 * Reads an OpenAI chat-completions SSE stream from /v1 into text deltas and the final usage, with timings.
 * Hand-written (a few lines) rather than the openai SDK, which would add ~100 KB to the page for one call.
 */
export interface StreamUpdate {
  /** Text received so far. */
  text: string;
  firstTokenMs: number | null;
}

export interface StreamOutcome extends StreamUpdate {
  totalMs: number;
  inputTokens: number | null;
  outputTokens: number | null;
  requestId: string | null;
  /** The provider and model that served it (x-gateway-provider / x-gateway-model). */
  servedBy: string | null;
}

export class ChatRequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ChatRequestError';
  }
}

interface ChunkShape {
  choices?: { delta?: { content?: string | null } }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  error?: { message?: string };
}

/** Splits an SSE byte stream into the `data:` payloads of its events. */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value, { stream: !done });
    let end: number;
    while ((end = buffer.search(/\r?\n\r?\n/)) !== -1) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      const data = event
        .split(/\r?\n/)
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).replace(/^ /, ''))
        .join('\n');
      if (data) yield data;
    }
    if (done) return;
  }
}

export interface ChatRequest {
  token: string;
  model: string;
  prompt: string;
  signal?: AbortSignal;
  onUpdate: (update: StreamUpdate) => void;
  /** Defaults to the page's own /v1. */
  baseUrl?: string;
  now?: () => number;
}

/** One streamed chat completion through the real /v1 path, authenticated with the access key itself. */
export async function streamChat({ token, model, prompt, signal, onUpdate, baseUrl = '/v1', now = () => performance.now() }: ChatRequest): Promise<StreamOutcome> {
  const started = now();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: prompt }] }),
    signal,
  });
  const requestId = res.headers.get('x-request-id');
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => null)) as ChunkShape | null;
    throw new ChatRequestError(body?.error?.message ?? `The gateway answered HTTP ${res.status}.`, res.status, requestId);
  }
  const provider = res.headers.get('x-gateway-provider');
  const served = res.headers.get('x-gateway-model');
  let text = '';
  let firstTokenMs: number | null = null;
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  for await (const data of sseData(res.body)) {
    if (data === '[DONE]') break;
    const chunk = JSON.parse(data) as ChunkShape;
    if (chunk.error) throw new ChatRequestError(chunk.error.message ?? 'The stream ended with an error.', res.status, requestId);
    const delta = chunk.choices?.[0]?.delta?.content;
    if (delta) {
      firstTokenMs ??= Math.round(now() - started);
      text += delta;
      onUpdate({ text, firstTokenMs });
    }
    if (chunk.usage) {
      inputTokens = chunk.usage.prompt_tokens ?? null;
      outputTokens = chunk.usage.completion_tokens ?? null;
    }
  }
  return {
    text,
    firstTokenMs,
    totalMs: Math.round(now() - started),
    inputTokens,
    outputTokens,
    requestId,
    servedBy: provider && served ? `${provider}:${served}` : null,
  };
}
