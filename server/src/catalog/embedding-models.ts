/**
 * Built-in embedding models (`kind: 'embedding'`): served only on `/v1/embeddings`, by providers
 * that list the `embeddings` surface. Prices are USD per million input tokens (standard tier,
 * 2026-11); embeddings have no output tokens. `contextWindow` is the input limit per item.
 *
 * Sources: OpenAI's model pages (text-embedding-3-small $0.02, -3-large $0.13, ada-002 $0.10,
 * 8,191 input tokens), Google's Gemini API pricing (gemini-embedding-001 $0.15, 2,048 input
 * tokens, served by its OpenAI-compatible `/embeddings`), OpenRouter's embeddings API (same ids
 * prefixed by vendor, vendor prices).
 */
import type { ModelSpec } from './types.js';

const EMBEDDING_MODALITIES: ModelSpec['modalities'] = { input: ['text'], output: [] };

function embedding(provider: string, id: string, displayName: string, contextWindow: number, inputPriceUsdPerMTok: string): ModelSpec {
  return {
    id,
    provider,
    kind: 'embedding',
    displayName,
    contextWindow,
    maxOutputTokens: 0,
    modalities: EMBEDDING_MODALITIES,
    inputPriceUsdPerMTok,
    outputPriceUsdPerMTok: '0',
  };
}

export const EMBEDDING_MODELS: readonly ModelSpec[] = [
  embedding('openai', 'text-embedding-3-small', 'Text Embedding 3 Small', 8_191, '0.02'),
  embedding('openai', 'text-embedding-3-large', 'Text Embedding 3 Large', 8_191, '0.13'),
  embedding('openai', 'text-embedding-ada-002', 'Text Embedding Ada 002', 8_191, '0.10'),
  embedding('google', 'gemini-embedding-001', 'Gemini Embedding 001', 2_048, '0.15'),
  embedding('openrouter', 'openai/text-embedding-3-small', 'OpenAI: Text Embedding 3 Small', 8_191, '0.02'),
  embedding('openrouter', 'openai/text-embedding-3-large', 'OpenAI: Text Embedding 3 Large', 8_191, '0.13'),
  embedding('openrouter', 'google/gemini-embedding-001', 'Google: Gemini Embedding 001', 2_048, '0.15'),
];
