import type { ApiFormat, ModelSpec, Surface } from '../catalog/types.js';
import { adapterFor } from './adapters/index.js';
import type { WireAdapter } from './adapters/adapter.js';
import { chatRequestToMessages, messagesRequestToChat } from './translate/request.js';
import { chatResponseToMessages, messagesResponseToChat } from './translate/response.js';
import {
  createChatToMessagesStream,
  createMessagesToChatStream,
  type StreamTranslator,
} from './translate/stream.js';

type Json = Record<string, unknown>;

/** How one client surface is served by one provider format: natively, or translated both ways. */
export interface InferencePlan {
  upstream: WireAdapter;
  translated: boolean;
  request(body: Json, spec: ModelSpec | undefined): Json;
  response(json: unknown, model: string): Json;
  stream(model: string, options: { includeUsage: boolean; inputTokens?: number }): StreamTranslator | undefined;
}

const identity = (body: Json) => body;

const NATIVE: Record<Surface, InferencePlan> = {
  chat: nativePlan('chat'),
  responses: nativePlan('responses'),
  messages: nativePlan('messages'),
};

function nativePlan(surface: Surface): InferencePlan {
  return {
    upstream: adapterFor(surface),
    translated: false,
    request: identity,
    response: (json) => json as Json,
    stream: () => undefined,
  };
}

const CHAT_VIA_MESSAGES: InferencePlan = {
  upstream: adapterFor('messages'),
  translated: true,
  request: chatRequestToMessages,
  response: messagesResponseToChat,
  stream: (model, o) => createMessagesToChatStream(model, { includeUsage: o.includeUsage }),
};

const MESSAGES_VIA_CHAT: InferencePlan = {
  upstream: adapterFor('chat'),
  translated: true,
  request: (body, spec) => messagesRequestToChat(body, { maxTokensField: spec?.maxTokensParam }),
  response: chatResponseToMessages,
  stream: (model, o) => createChatToMessagesStream(model, { inputTokens: o.inputTokens }),
};

export function planFor(surface: Surface, format: ApiFormat): InferencePlan {
  if (surface === 'chat' && format === 'anthropic') return CHAT_VIA_MESSAGES;
  if (surface === 'messages' && format === 'openai') return MESSAGES_VIA_CHAT;
  return NATIVE[surface];
}
