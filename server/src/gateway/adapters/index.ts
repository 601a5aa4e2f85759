import type { Surface } from '../../catalog/types.js';
import type { WireAdapter } from './adapter.js';
import { anthropicMessagesAdapter } from './anthropic-messages.js';
import { openAiChatAdapter } from './openai-chat.js';
import { openAiEmbeddingsAdapter } from './openai-embeddings.js';
import { openAiResponsesAdapter } from './openai-responses.js';

const ADAPTERS: Readonly<Record<Surface, WireAdapter>> = {
  chat: openAiChatAdapter,
  responses: openAiResponsesAdapter,
  messages: anthropicMessagesAdapter,
  embeddings: openAiEmbeddingsAdapter,
};

export function adapterFor(surface: Surface): WireAdapter {
  return ADAPTERS[surface];
}

export { anthropicMessagesAdapter, openAiChatAdapter, openAiEmbeddingsAdapter, openAiResponsesAdapter };
