/**
 * The simulated upstream's `/embeddings` answers (OpenAI's shape, which Google's compatibility
 * layer and OpenRouter share): deterministic vectors and token counts derived from the input, so
 * tests can check exact usage and that base64 answers decode to the float ones.
 */

/** Vectors are this long unless the request asks for `dimensions`. */
export const FAKE_EMBEDDING_DIMENSIONS = 8;

/** The inputs of a request, each as text or token ids (a flat id array is one input). */
function inputsOf(input: unknown): (string | number[])[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return [];
  if (typeof input[0] === 'number') return [input as number[]];
  return input as (string | number[])[];
}

/** Prompt tokens the fake reports: ceil(chars / 4) per text, one per token id. */
export function fakeEmbeddingTokens(input: unknown): number {
  let tokens = 0;
  for (const item of inputsOf(input)) tokens += typeof item === 'string' ? Math.max(1, Math.ceil(item.length / 4)) : item.length;
  return tokens;
}

/** A deterministic vector for one input (the same input always embeds the same). */
export function fakeVector(item: string | number[], dimensions: number): number[] {
  const seed = typeof item === 'string' ? item : item.join(',');
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return Array.from({ length: dimensions }, (_, i) => Math.fround((((h + i * 7919) % 2000) - 1000) / 1000));
}

/** Little-endian float32, as OpenAI encodes `encoding_format: base64`. */
function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export function fakeEmbeddingsBody(body: Record<string, unknown>, withUsage: boolean): unknown {
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : FAKE_EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === 'base64';
  const data = inputsOf(body.input).map((item, index) => {
    const vector = fakeVector(item, dimensions);
    return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
  });
  const tokens = fakeEmbeddingTokens(body.input);
  return {
    object: 'list',
    data,
    model: typeof body.model === 'string' ? body.model : 'unknown-model',
    ...(withUsage ? { usage: { prompt_tokens: tokens, total_tokens: tokens } } : {}),
  };
}
