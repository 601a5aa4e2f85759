import { beforeAll, describe, expect, it } from 'vitest';
import { checkEmbeddingsRequest, MAX_EMBEDDING_INPUTS, MAX_EMBEDDING_TOKENS } from '../../server/src/gateway/formats/openai-embeddings.js';
import { estimateEmbeddingInputTokens, estimateRequestInputTokens, estimateTextTokens, warmTokenizer } from '../../server/src/gateway/tokens.js';

// Exact o200k counts: the encoder's thread must be up (until then estimates go by characters).
beforeAll(() => warmTokenizer());

describe('checkEmbeddingsRequest', () => {
  it.each([
    ['a string', { input: 'hello' }],
    ['strings', { input: ['a', 'b'] }],
    ['token ids', { input: [1, 2, 3] }],
    ['token-id arrays', { input: [[1], [2, 3]] }],
    ['every optional field, plus a vendor field passed through', { input: 'x', encoding_format: 'base64', dimensions: 256, user: 'u', input_type: 'search_query', stream: false }],
    ['a single token-id array longer than the item limit', { input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => 7) }],
    ['exactly the token limit', { input: [Array.from({ length: MAX_EMBEDDING_TOKENS }, () => 1)] }],
  ])('accepts %s', (_, body) => {
    expect(() => checkEmbeddingsRequest(body)).not.toThrow();
  });

  it.each([
    ['no input', {}, /input: is required/],
    ['null input', { input: null }, /input: /],
    ['a number', { input: 5 }, /input: must be a non-empty string, an array/],
    ['mixed strings and numbers', { input: ['a', 1] }, /input/],
    ['a negative token id', { input: [1, -2] }, /input/],
    ['too many strings', { input: Array.from({ length: MAX_EMBEDDING_INPUTS + 1 }, () => 'a') }, /at most 2048 items/],
    ['too many token ids in total', { input: [[1], Array.from({ length: MAX_EMBEDDING_TOKENS }, () => 1)] }, /at most 300000 tokens/],
    ['base85', { input: 'x', encoding_format: 'base85' }, /encoding_format/],
    ['negative dimensions', { input: 'x', dimensions: -1 }, /dimensions/],
    ['streaming', { input: 'x', stream: true }, /stream/],
  ])('refuses %s with invalid_request', (_, body, message) => {
    expect(() => checkEmbeddingsRequest(body)).toThrow(expect.objectContaining({ code: 'invalid_request', status: 400, message: expect.stringMatching(message) }));
  });
});

describe('estimateEmbeddingInputTokens', () => {
  it('counts token ids exactly and texts with the tokenizer, without chat framing', () => {
    expect(estimateEmbeddingInputTokens({ input: [1, 2, 3] })).toBe(3);
    expect(estimateEmbeddingInputTokens({ input: [[1, 2, 3], [4, 5]] })).toBe(5);
    expect(estimateEmbeddingInputTokens({ input: 'hello world' })).toBe(estimateTextTokens('hello world'));
    expect(estimateEmbeddingInputTokens({ input: ['hello world', 'again'] })).toBe(estimateTextTokens('hello world') + estimateTextTokens('again'));
    expect(estimateRequestInputTokens('embeddings', { input: [[1, 2]] })).toBe(2);
    expect(estimateEmbeddingInputTokens({})).toBe(0);
  });
});
