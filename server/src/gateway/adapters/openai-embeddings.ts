import type { BuildRequestInput, BuiltRequest, StreamObserver, TokenUsage, WireAdapter } from './adapter.js';
import { buildHeaders, finiteNumber, isErrorBodyOf, isRecord, joinUrl, parseUpstreamError, rewriteBody } from './common.js';

const PATH = '/embeddings';

/** `usage.prompt_tokens` of an embeddings answer; embeddings generate no output tokens. */
export function readEmbeddingsUsage(json: unknown): TokenUsage | undefined {
  if (!isRecord(json) || !isRecord(json.usage)) return undefined;
  const input = finiteNumber(json.usage.prompt_tokens) ?? finiteNumber(json.usage.total_tokens);
  return input === undefined ? undefined : { inputTokens: input, outputTokens: 0 };
}

function buildRequest(input: BuildRequestInput): BuiltRequest {
  const removedParams: string[] = [];
  const body = rewriteBody({ ...input, stream: false }, removedParams);
  // Embeddings never stream; a client's `stream: false` is not an embeddings parameter upstream.
  delete body.stream;
  return { url: joinUrl(input.endpoint.baseUrl, PATH), headers: buildHeaders(input), body: JSON.stringify(body), injectedStreamUsage: false, removedParams };
}

/** Never used: the embeddings route refuses `stream: true` before any attempt. */
class NoStream implements StreamObserver {
  observe() {
    return { meaningful: true, drop: false, done: false };
  }
  usage() {
    return undefined;
  }
  outputText() {
    return '';
  }
  finishReasons() {
    return [];
  }
}

/**
 * OpenAI's `/embeddings` wire format, spoken by every provider that lists the `embeddings`
 * surface (OpenAI, Google's OpenAI-compatible layer, OpenRouter, OpenAI-format custom providers).
 * Answers pass through untouched (`encoding_format: base64` included); only usage is read.
 */
export const openAiEmbeddingsAdapter: WireAdapter = {
  surface: 'embeddings',
  format: 'openai',
  path: PATH,
  buildRequest,
  readUsage: readEmbeddingsUsage,
  readFinishReasons: () => [],
  isErrorBody: (json) => isErrorBodyOf(json, 'data'),
  // Nothing is generated: an answer without usage is estimated from its input alone.
  readOutputText: () => '',
  observeStream: () => new NoStream(),
  parseError: parseUpstreamError,
};
