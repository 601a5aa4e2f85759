import type { ProviderSpec } from './types.js';

/**
 * Built-in providers. Vendor differences live here as data; adapters never branch on the id.
 *
 * Order matters: a bare catalog model id resolves to the first provider below that lists it
 * (so `gpt-4o` resolves to openai before openrouter).
 *
 * stripParams holds only parameters a vendor is documented or widely reported to reject with a
 * 400; when unsure the list is empty and the request is forwarded as is.
 * `embeddings` is listed only where the vendor documents an OpenAI-compatible `/embeddings`
 * (OpenAI, Google's OpenAI compatibility layer, OpenRouter); other providers answer
 * /v1/embeddings with `model_not_supported`.
 * supportsStreamUsage is true only where `stream_options.include_usage` is known to be accepted;
 * elsewhere the gateway does not send it (and falls back to token estimates if no usage arrives).
 */
const providers: ProviderSpec[] = [
  {
    id: 'openai',
    name: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat', 'responses', 'embeddings'],
    stripParams: [],
    supportsStreamUsage: true,
    // The `web_search` tool on every model; the older `web_search_preview` costs $25 on
    // non-reasoning models (gpt-4o, gpt-4.1), billed here at this price too.
    webSearchUsdPerThousandCalls: '10.00',
    gatewayCredentialEnv: 'MANAGED_OPENAI_API_KEY',
    docsUrl: 'https://platform.openai.com/docs/api-reference',
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    baseUrl: 'https://api.anthropic.com/v1',
    apiFormat: 'anthropic',
    authStyle: 'x-api-key',
    fixedHeaders: { 'anthropic-version': '2023-06-01' },
    surfaces: ['messages'],
    stripParams: [],
    // Not an OpenAI-format stream: Messages streams always carry usage (message_start/message_delta).
    supportsStreamUsage: false,
    webSearchUsdPerThousandCalls: '10.00',
    gatewayCredentialEnv: 'MANAGED_ANTHROPIC_API_KEY',
    docsUrl: 'https://docs.anthropic.com/en/api/messages',
  },
  {
    id: 'google',
    name: 'Google Gemini',
    telemetryName: 'gcp.gemini',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat', 'embeddings'],
    // The OpenAI-compatible layer answers 400 "Unknown name ...: Cannot find field" /
    // "Penalty is not enabled" for these.
    stripParams: ['store', 'frequency_penalty', 'presence_penalty'],
    supportsStreamUsage: false,
    docsUrl: 'https://ai.google.dev/gemini-api/docs/openai',
  },
  {
    id: 'groq',
    name: 'Groq',
    baseUrl: 'https://api.groq.com/openai/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat', 'responses'],
    // Documented as "not supported and will result in a 400 error".
    stripParams: ['logprobs', 'logit_bias', 'top_logprobs'],
    supportsStreamUsage: true,
    docsUrl: 'https://console.groq.com/docs/openai',
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    baseUrl: 'https://api.deepseek.com/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat'],
    stripParams: [],
    supportsStreamUsage: true,
    // api-docs.deepseek.com/guides/thinking_mode: "the reasoning_content must be passed back".
    echoesReasoningContent: true,
    docsUrl: 'https://api-docs.deepseek.com/',
  },
  {
    id: 'openrouter',
    name: 'OpenRouter',
    baseUrl: 'https://openrouter.ai/api/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat', 'embeddings'],
    stripParams: [],
    supportsStreamUsage: true,
    docsUrl: 'https://openrouter.ai/docs/api-reference/overview',
  },
  {
    id: 'hyperbolic',
    name: 'Hyperbolic',
    baseUrl: 'https://api.hyperbolic.xyz/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat'],
    stripParams: [],
    supportsStreamUsage: false,
    docsUrl: 'https://docs.hyperbolic.xyz/',
  },
  {
    id: 'inceptionlabs',
    name: 'Inception Labs',
    baseUrl: 'https://api.inceptionlabs.ai/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat'],
    stripParams: [],
    supportsStreamUsage: false,
    docsUrl: 'https://docs.inceptionlabs.ai/',
  },
  {
    id: 'inference-net',
    name: 'Inference.net',
    baseUrl: 'https://api.inference.net/v1',
    apiFormat: 'openai',
    authStyle: 'bearer',
    fixedHeaders: {},
    surfaces: ['chat'],
    stripParams: [],
    supportsStreamUsage: false,
    docsUrl: 'https://docs.inference.net/',
  },
];

function freezeProvider(spec: ProviderSpec): ProviderSpec {
  Object.freeze(spec.fixedHeaders);
  Object.freeze(spec.surfaces);
  Object.freeze(spec.stripParams);
  return Object.freeze(spec);
}

/** Shared, deeply frozen: copy before changing (e.g. for a PROVIDER_BASE_URL_<ID> override). */
export const BUILT_IN_PROVIDERS: readonly ProviderSpec[] = Object.freeze(providers.map(freezeProvider));
