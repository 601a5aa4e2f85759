/**
 * Built-in model catalog.
 *
 * Prices are USD per million tokens (standard tier, uncached input, shortest-context band where
 * a vendor charges by prompt length), taken from the providers' own model pages, checked
 * 2026-11-27. A null price means no authoritative list price was found (or the vendor prices the
 * model in tiers): such a model is served on the caller's own provider key only and billed the
 * processing fee. They are what gateway inference is charged at; vendors change them, so treat
 * this file as a dated snapshot. Operators add models or change prices and limits without a
 * release in their CATALOG_FILE (catalog-file.ts).
 *
 * Model ids are exactly what each upstream expects. Within a provider they are unique
 * case-insensitively; across providers the same id may appear (resolution picks the first
 * provider in BUILT_IN_PROVIDERS order).
 */
import { EMBEDDING_MODELS } from './embedding-models.js';
import { BUILT_IN_PROVIDERS } from './providers.js';
import type { LongContextPrice, Modality, ModelSpec, PromptCachePrice } from './types.js';

type Modalities = ModelSpec['modalities'];

const TEXT: Modalities = { input: ['text'], output: ['text'] };
const VISION: Modalities = { input: ['text', 'image'], output: ['text'] };
const DOCUMENTS: Modalities = { input: ['text', 'image', 'pdf'], output: ['text'] };
const MULTIMODAL: Modalities = { input: ['text', 'image', 'audio', 'video', 'pdf'], output: ['text'] };

/**
 * gpt-4o-mini bills an image at 2,833 tokens plus 5,667 per 512-px tile (OpenAI's vision pricing),
 * where gpt-4o bills 85 plus 170: at most 8 tiles once scaled to 2048 × 768, so 48,169 tokens.
 */
const GPT_4O_MINI_IMAGE_TOKENS = 2_833 + 5_667 * 8;

/**
 * Long-context bands: a request whose prompt exceeds 200k tokens is billed at these prices for all
 * of its tokens (Google's Gemini Pro pricing; Anthropic's for Sonnet 4 and 4.5 with the
 * 1M-context beta).
 */
/**
 * Prompt-cache prices (ModelSpec.promptCachePrice). Anthropic's are fixed multiples of the input
 * price: reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2× (pricing.test.ts checks every Claude
 * entry keeps them; OpenRouter bills its Claude models the same). OpenAI, Google and DeepSeek discount reads only, by model family: 0.5× for
 * gpt-4o, 0.25× for gpt-4.1, o3 and o4-mini and Gemini 2.0 Flash, 0.1× for gpt-5, Gemini 2.5 and 3
 * and DeepSeek. Models whose cache price was not published leave input at the full price.
 */
const claudeCache = (readUsdPerMTok: string, writeUsdPerMTok: string, write1hUsdPerMTok: string): PromptCachePrice => ({ readUsdPerMTok, writeUsdPerMTok, write1hUsdPerMTok });
const cachedReads = (readUsdPerMTok: string): PromptCachePrice => ({ readUsdPerMTok });

const GEMINI_2_5_PRO_LONG: LongContextPrice = { aboveInputTokens: 200_000, inputPriceUsdPerMTok: '2.50', outputPriceUsdPerMTok: '15.00', promptCachePrice: cachedReads('0.25') };
const GEMINI_3_PRO_LONG: LongContextPrice = { aboveInputTokens: 200_000, inputPriceUsdPerMTok: '4.00', outputPriceUsdPerMTok: '18.00', promptCachePrice: cachedReads('0.40') };
const SONNET_4_LONG: LongContextPrice = { aboveInputTokens: 200_000, inputPriceUsdPerMTok: '6.00', outputPriceUsdPerMTok: '22.50', promptCachePrice: claudeCache('0.60', '7.50', '12.00') };

const openai: ModelSpec[] = [
  // developers.openai.com/api/docs/models/gpt-6.2-sol (Codex's default model).
  { id: 'gpt-6.2-sol', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-6.2 Sol', contextWindow: 1_050_000, maxOutputTokens: 128_000, modalities: VISION, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '10.00' },
  // Limits from OpenAI's announcement; the price seen (8/40) came from resellers only: unpriced.
  { id: 'gpt-6.2-astra', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-6.2 Astra', contextWindow: 1_050_000, maxOutputTokens: 128_000, modalities: VISION, inputPriceUsdPerMTok: null, outputPriceUsdPerMTok: null },
  { id: 'gpt-6.1-sol', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-6.1 Sol', contextWindow: 1_050_000, maxOutputTokens: 128_000, modalities: VISION, inputPriceUsdPerMTok: null, outputPriceUsdPerMTok: null },
  // developers.openai.com/api/docs/models/gpt-6-sol.
  { id: 'gpt-6-sol', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-6 Sol', contextWindow: 1_050_000, maxOutputTokens: 128_000, modalities: VISION, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '10.00' },
  { id: 'gpt-5', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-5', contextWindow: 400_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '1.25', outputPriceUsdPerMTok: '10.00', promptCachePrice: cachedReads('0.125') },
  { id: 'gpt-5-mini', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-5 mini', contextWindow: 400_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '0.25', outputPriceUsdPerMTok: '2.00', promptCachePrice: cachedReads('0.025') },
  { id: 'gpt-5-nano', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'GPT-5 nano', contextWindow: 400_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '0.05', outputPriceUsdPerMTok: '0.40', promptCachePrice: cachedReads('0.005') },
  { id: 'gpt-4.1', provider: 'openai', displayName: 'GPT-4.1', contextWindow: 1_047_576, maxOutputTokens: 32_768, modalities: DOCUMENTS, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '8.00', promptCachePrice: cachedReads('0.50') },
  { id: 'gpt-4.1-mini', provider: 'openai', displayName: 'GPT-4.1 mini', contextWindow: 1_047_576, maxOutputTokens: 32_768, modalities: DOCUMENTS, inputPriceUsdPerMTok: '0.40', outputPriceUsdPerMTok: '1.60', promptCachePrice: cachedReads('0.10') },
  { id: 'gpt-4.1-nano', provider: 'openai', displayName: 'GPT-4.1 nano', contextWindow: 1_047_576, maxOutputTokens: 32_768, modalities: DOCUMENTS, inputPriceUsdPerMTok: '0.10', outputPriceUsdPerMTok: '0.40', promptCachePrice: cachedReads('0.025') },
  { id: 'gpt-4o', provider: 'openai', displayName: 'GPT-4o', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: DOCUMENTS, inputPriceUsdPerMTok: '2.50', outputPriceUsdPerMTok: '10.00', promptCachePrice: cachedReads('1.25') },
  { id: 'gpt-4o-mini', provider: 'openai', displayName: 'GPT-4o mini', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: DOCUMENTS, inputPriceUsdPerMTok: '0.15', outputPriceUsdPerMTok: '0.60', maxImageInputTokens: GPT_4O_MINI_IMAGE_TOKENS, promptCachePrice: cachedReads('0.075') },
  { id: 'o3', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'o3', contextWindow: 200_000, maxOutputTokens: 100_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '8.00', promptCachePrice: cachedReads('0.50') },
  { id: 'o4-mini', provider: 'openai', maxTokensParam: 'max_completion_tokens', displayName: 'o4-mini', contextWindow: 200_000, maxOutputTokens: 100_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '1.10', outputPriceUsdPerMTok: '4.40', promptCachePrice: cachedReads('0.275') },
];

const anthropic: ModelSpec[] = [
  // platform.claude.com/docs/about-claude/models/overview and each model's page.
  { id: 'claude-fable-5-1', provider: 'anthropic', displayName: 'Claude Fable 5.1', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '10.00', outputPriceUsdPerMTok: '50.00', promptCachePrice: claudeCache('1.00', '12.50', '20.00') },
  { id: 'claude-opus-5-5', provider: 'anthropic', displayName: 'Claude Opus 5.5', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '4.00', outputPriceUsdPerMTok: '20.00', promptCachePrice: claudeCache('0.40', '5.00', '8.00') },
  { id: 'claude-sonnet-5-5', provider: 'anthropic', displayName: 'Claude Sonnet 5.5', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '10.00', promptCachePrice: claudeCache('0.20', '2.50', '4.00') },
  // Priced in tiers by prompt length ("from $0.10 / $0.50"): one flat price would be wrong.
  { id: 'claude-haiku-5-5', provider: 'anthropic', displayName: 'Claude Haiku 5.5', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: null, outputPriceUsdPerMTok: null },
  { id: 'claude-opus-5', provider: 'anthropic', displayName: 'Claude Opus 5', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '5.00', outputPriceUsdPerMTok: '25.00', promptCachePrice: claudeCache('0.50', '6.25', '10.00') },
  { id: 'claude-sonnet-5', provider: 'anthropic', displayName: 'Claude Sonnet 5', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '10.00', promptCachePrice: claudeCache('0.20', '2.50', '4.00') },
  // Claude Code's default model.
  { id: 'claude-opus-4-8', provider: 'anthropic', displayName: 'Claude Opus 4.8', contextWindow: 1_000_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '5.00', outputPriceUsdPerMTok: '25.00', promptCachePrice: claudeCache('0.50', '6.25', '10.00') },
  { id: 'claude-opus-4-5', provider: 'anthropic', displayName: 'Claude Opus 4.5', contextWindow: 200_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '5.00', outputPriceUsdPerMTok: '25.00', promptCachePrice: claudeCache('0.50', '6.25', '10.00') },
  { id: 'claude-opus-4-1', provider: 'anthropic', displayName: 'Claude Opus 4.1', contextWindow: 200_000, maxOutputTokens: 32_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '15.00', outputPriceUsdPerMTok: '75.00', promptCachePrice: claudeCache('1.50', '18.75', '30.00') },
  { id: 'claude-sonnet-4-5', provider: 'anthropic', displayName: 'Claude Sonnet 4.5', contextWindow: 200_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '3.00', outputPriceUsdPerMTok: '15.00', longContextPrice: SONNET_4_LONG, promptCachePrice: claudeCache('0.30', '3.75', '6.00') },
  { id: 'claude-sonnet-4-0', provider: 'anthropic', displayName: 'Claude Sonnet 4', contextWindow: 200_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '3.00', outputPriceUsdPerMTok: '15.00', longContextPrice: SONNET_4_LONG, promptCachePrice: claudeCache('0.30', '3.75', '6.00') },
  { id: 'claude-haiku-4-5', provider: 'anthropic', displayName: 'Claude Haiku 4.5', contextWindow: 200_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '1.00', outputPriceUsdPerMTok: '5.00', promptCachePrice: claudeCache('0.10', '1.25', '2.00') },
  { id: 'claude-3-5-haiku-latest', provider: 'anthropic', displayName: 'Claude Haiku 3.5', contextWindow: 200_000, maxOutputTokens: 8_192, modalities: VISION, inputPriceUsdPerMTok: '0.80', outputPriceUsdPerMTok: '4.00', promptCachePrice: claudeCache('0.08', '1.00', '1.60') },
];

const google: ModelSpec[] = [
  { id: 'gemini-3-pro-preview', provider: 'google', displayName: 'Gemini 3 Pro (preview)', contextWindow: 1_048_576, maxOutputTokens: 65_536, modalities: MULTIMODAL, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '12.00', longContextPrice: GEMINI_3_PRO_LONG, promptCachePrice: cachedReads('0.20') },
  { id: 'gemini-2.5-pro', provider: 'google', displayName: 'Gemini 2.5 Pro', contextWindow: 1_048_576, maxOutputTokens: 65_536, modalities: MULTIMODAL, inputPriceUsdPerMTok: '1.25', outputPriceUsdPerMTok: '10.00', longContextPrice: GEMINI_2_5_PRO_LONG, promptCachePrice: cachedReads('0.125') },
  { id: 'gemini-2.5-flash', provider: 'google', displayName: 'Gemini 2.5 Flash', contextWindow: 1_048_576, maxOutputTokens: 65_536, modalities: MULTIMODAL, inputPriceUsdPerMTok: '0.30', outputPriceUsdPerMTok: '2.50', promptCachePrice: cachedReads('0.03') },
  { id: 'gemini-2.5-flash-lite', provider: 'google', displayName: 'Gemini 2.5 Flash-Lite', contextWindow: 1_048_576, maxOutputTokens: 65_536, modalities: MULTIMODAL, inputPriceUsdPerMTok: '0.10', outputPriceUsdPerMTok: '0.40', promptCachePrice: cachedReads('0.01') },
  { id: 'gemini-2.0-flash', provider: 'google', displayName: 'Gemini 2.0 Flash', contextWindow: 1_048_576, maxOutputTokens: 8_192, modalities: MULTIMODAL, inputPriceUsdPerMTok: '0.10', outputPriceUsdPerMTok: '0.40', promptCachePrice: cachedReads('0.025') },
  { id: 'gemini-2.0-flash-lite', provider: 'google', displayName: 'Gemini 2.0 Flash-Lite', contextWindow: 1_048_576, maxOutputTokens: 8_192, modalities: MULTIMODAL, inputPriceUsdPerMTok: '0.075', outputPriceUsdPerMTok: '0.30' },
];

const groq: ModelSpec[] = [
  { id: 'llama-3.3-70b-versatile', provider: 'groq', displayName: 'Llama 3.3 70B Versatile', contextWindow: 131_072, maxOutputTokens: 32_768, modalities: TEXT, inputPriceUsdPerMTok: '0.59', outputPriceUsdPerMTok: '0.79' },
  { id: 'llama-3.1-8b-instant', provider: 'groq', displayName: 'Llama 3.1 8B Instant', contextWindow: 131_072, maxOutputTokens: 131_072, modalities: TEXT, inputPriceUsdPerMTok: '0.05', outputPriceUsdPerMTok: '0.08' },
  { id: 'openai/gpt-oss-120b', provider: 'groq', displayName: 'GPT-OSS 120B', contextWindow: 131_072, maxOutputTokens: 65_536, modalities: TEXT, inputPriceUsdPerMTok: '0.15', outputPriceUsdPerMTok: '0.60' },
  { id: 'openai/gpt-oss-20b', provider: 'groq', displayName: 'GPT-OSS 20B', contextWindow: 131_072, maxOutputTokens: 65_536, modalities: TEXT, inputPriceUsdPerMTok: '0.075', outputPriceUsdPerMTok: '0.30' },
  { id: 'meta-llama/llama-4-maverick-17b-128e-instruct', provider: 'groq', displayName: 'Llama 4 Maverick 17B 128E', contextWindow: 131_072, maxOutputTokens: 8_192, modalities: VISION, inputPriceUsdPerMTok: '0.20', outputPriceUsdPerMTok: '0.60' },
  { id: 'meta-llama/llama-4-scout-17b-16e-instruct', provider: 'groq', displayName: 'Llama 4 Scout 17B 16E', contextWindow: 131_072, maxOutputTokens: 8_192, modalities: VISION, inputPriceUsdPerMTok: '0.11', outputPriceUsdPerMTok: '0.34' },
  { id: 'moonshotai/kimi-k2-instruct-0905', provider: 'groq', displayName: 'Kimi K2 Instruct (0905)', contextWindow: 262_144, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '1.00', outputPriceUsdPerMTok: '3.00' },
  { id: 'qwen/qwen3-32b', provider: 'groq', displayName: 'Qwen3 32B', contextWindow: 131_072, maxOutputTokens: 40_960, modalities: TEXT, inputPriceUsdPerMTok: '0.29', outputPriceUsdPerMTok: '0.59' },
];

const deepseek: ModelSpec[] = [
  { id: 'deepseek-chat', provider: 'deepseek', displayName: 'DeepSeek Chat', contextWindow: 128_000, maxOutputTokens: 8_192, modalities: TEXT, inputPriceUsdPerMTok: '0.28', outputPriceUsdPerMTok: '0.42', promptCachePrice: cachedReads('0.028') },
  { id: 'deepseek-reasoner', provider: 'deepseek', displayName: 'DeepSeek Reasoner', contextWindow: 128_000, maxOutputTokens: 65_536, modalities: TEXT, inputPriceUsdPerMTok: '0.28', outputPriceUsdPerMTok: '0.42', promptCachePrice: cachedReads('0.028') },
];

const openrouter: ModelSpec[] = [
  { id: 'openai/gpt-5', provider: 'openrouter', displayName: 'OpenAI: GPT-5', contextWindow: 400_000, maxOutputTokens: 128_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '1.25', outputPriceUsdPerMTok: '10.00', promptCachePrice: cachedReads('0.125') },
  { id: 'openai/gpt-4o', provider: 'openrouter', displayName: 'OpenAI: GPT-4o', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: DOCUMENTS, inputPriceUsdPerMTok: '2.50', outputPriceUsdPerMTok: '10.00', promptCachePrice: cachedReads('1.25') },
  { id: 'openai/gpt-4o-mini', provider: 'openrouter', displayName: 'OpenAI: GPT-4o mini', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: DOCUMENTS, inputPriceUsdPerMTok: '0.15', outputPriceUsdPerMTok: '0.60', maxImageInputTokens: GPT_4O_MINI_IMAGE_TOKENS, promptCachePrice: cachedReads('0.075') },
  { id: 'anthropic/claude-opus-4.5', provider: 'openrouter', displayName: 'Anthropic: Claude Opus 4.5', contextWindow: 200_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '5.00', outputPriceUsdPerMTok: '25.00', promptCachePrice: claudeCache('0.50', '6.25', '10.00') },
  { id: 'anthropic/claude-sonnet-4.5', provider: 'openrouter', displayName: 'Anthropic: Claude Sonnet 4.5', contextWindow: 1_000_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '3.00', outputPriceUsdPerMTok: '15.00', promptCachePrice: claudeCache('0.30', '3.75', '6.00') },
  { id: 'anthropic/claude-haiku-4.5', provider: 'openrouter', displayName: 'Anthropic: Claude Haiku 4.5', contextWindow: 200_000, maxOutputTokens: 64_000, modalities: DOCUMENTS, inputPriceUsdPerMTok: '1.00', outputPriceUsdPerMTok: '5.00', promptCachePrice: claudeCache('0.10', '1.25', '2.00') },
  { id: 'google/gemini-2.5-pro', provider: 'openrouter', displayName: 'Google: Gemini 2.5 Pro', contextWindow: 1_048_576, maxOutputTokens: 65_536, modalities: MULTIMODAL, inputPriceUsdPerMTok: '1.25', outputPriceUsdPerMTok: '10.00', longContextPrice: GEMINI_2_5_PRO_LONG, promptCachePrice: cachedReads('0.125') },
  { id: 'google/gemini-2.5-flash', provider: 'openrouter', displayName: 'Google: Gemini 2.5 Flash', contextWindow: 1_048_576, maxOutputTokens: 65_536, modalities: MULTIMODAL, inputPriceUsdPerMTok: '0.30', outputPriceUsdPerMTok: '2.50', promptCachePrice: cachedReads('0.03') },
  { id: 'meta-llama/llama-3.3-70b-instruct', provider: 'openrouter', displayName: 'Meta: Llama 3.3 70B Instruct', contextWindow: 131_072, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.13', outputPriceUsdPerMTok: '0.38' },
  { id: 'deepseek/deepseek-chat-v3.1', provider: 'openrouter', displayName: 'DeepSeek: DeepSeek V3.1', contextWindow: 163_840, maxOutputTokens: 163_840, modalities: TEXT, inputPriceUsdPerMTok: '0.20', outputPriceUsdPerMTok: '0.80' },
];

const hyperbolic: ModelSpec[] = [
  { id: 'meta-llama/Llama-3.3-70B-Instruct', provider: 'hyperbolic', displayName: 'Llama 3.3 70B Instruct', contextWindow: 131_072, maxOutputTokens: 32_768, modalities: TEXT, inputPriceUsdPerMTok: '0.40', outputPriceUsdPerMTok: '0.40' },
  { id: 'meta-llama/Meta-Llama-3.1-8B-Instruct', provider: 'hyperbolic', displayName: 'Llama 3.1 8B Instruct', contextWindow: 131_072, maxOutputTokens: 32_768, modalities: TEXT, inputPriceUsdPerMTok: '0.10', outputPriceUsdPerMTok: '0.10' },
  { id: 'meta-llama/Meta-Llama-3.1-405B-Instruct', provider: 'hyperbolic', displayName: 'Llama 3.1 405B Instruct', contextWindow: 131_072, maxOutputTokens: 32_768, modalities: TEXT, inputPriceUsdPerMTok: '4.00', outputPriceUsdPerMTok: '4.00' },
  { id: 'deepseek-ai/DeepSeek-V3', provider: 'hyperbolic', displayName: 'DeepSeek V3', contextWindow: 131_072, maxOutputTokens: 8_192, modalities: TEXT, inputPriceUsdPerMTok: '0.25', outputPriceUsdPerMTok: '0.25' },
  { id: 'deepseek-ai/DeepSeek-V3-0324', provider: 'hyperbolic', displayName: 'DeepSeek V3 (0324)', contextWindow: 131_072, maxOutputTokens: 8_192, modalities: TEXT, inputPriceUsdPerMTok: '1.25', outputPriceUsdPerMTok: '1.25' },
  { id: 'deepseek-ai/DeepSeek-R1', provider: 'hyperbolic', displayName: 'DeepSeek R1', contextWindow: 131_072, maxOutputTokens: 32_768, modalities: TEXT, inputPriceUsdPerMTok: '2.00', outputPriceUsdPerMTok: '2.00' },
  { id: 'Qwen/Qwen2.5-72B-Instruct', provider: 'hyperbolic', displayName: 'Qwen2.5 72B Instruct', contextWindow: 32_768, maxOutputTokens: 8_192, modalities: TEXT, inputPriceUsdPerMTok: '0.40', outputPriceUsdPerMTok: '0.40' },
  { id: 'Qwen/Qwen2.5-Coder-32B-Instruct', provider: 'hyperbolic', displayName: 'Qwen2.5 Coder 32B Instruct', contextWindow: 32_768, maxOutputTokens: 8_192, modalities: TEXT, inputPriceUsdPerMTok: '0.20', outputPriceUsdPerMTok: '0.20' },
];

const inceptionlabs: ModelSpec[] = [
  { id: 'mercury-2', provider: 'inceptionlabs', displayName: 'Mercury 2', contextWindow: 128_000, maxOutputTokens: 50_000, modalities: TEXT, inputPriceUsdPerMTok: '0.25', outputPriceUsdPerMTok: '0.75' },
  { id: 'mercury', provider: 'inceptionlabs', displayName: 'Mercury', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.25', outputPriceUsdPerMTok: '1.00' },
  { id: 'mercury-coder', provider: 'inceptionlabs', displayName: 'Mercury Coder', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.25', outputPriceUsdPerMTok: '1.00' },
];

const inferenceNet: ModelSpec[] = [
  { id: 'meta-llama/llama-3.1-8b-instruct/fp-8', provider: 'inference-net', displayName: 'Llama 3.1 8B Instruct (FP8)', contextWindow: 131_072, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.03', outputPriceUsdPerMTok: '0.03' },
  { id: 'meta-llama/llama-3.2-3b-instruct/fp-16', provider: 'inference-net', displayName: 'Llama 3.2 3B Instruct (FP16)', contextWindow: 131_072, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.02', outputPriceUsdPerMTok: '0.02' },
  { id: 'meta-llama/llama-3.3-70b-instruct/fp-16', provider: 'inference-net', displayName: 'Llama 3.3 70B Instruct (FP16)', contextWindow: 131_072, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.30', outputPriceUsdPerMTok: '0.40' },
  { id: 'mistralai/mistral-nemo-12b-instruct/fp-8', provider: 'inference-net', displayName: 'Mistral Nemo 12B Instruct (FP8)', contextWindow: 128_000, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.04', outputPriceUsdPerMTok: '0.10' },
  { id: 'google/gemma-3-27b-instruct/bf-16', provider: 'inference-net', displayName: 'Gemma 3 27B Instruct (BF16)', contextWindow: 128_000, maxOutputTokens: 8_192, modalities: VISION, inputPriceUsdPerMTok: '0.30', outputPriceUsdPerMTok: '0.40' },
  { id: 'qwen/qwen2.5-7b-instruct/bf-16', provider: 'inference-net', displayName: 'Qwen2.5 7B Instruct (BF16)', contextWindow: 32_768, maxOutputTokens: 8_192, modalities: TEXT, inputPriceUsdPerMTok: '0.20', outputPriceUsdPerMTok: '0.20' },
  { id: 'deepseek/deepseek-v3-0324/fp-8', provider: 'inference-net', displayName: 'DeepSeek V3 0324 (FP8)', contextWindow: 131_072, maxOutputTokens: 16_384, modalities: TEXT, inputPriceUsdPerMTok: '0.45', outputPriceUsdPerMTok: '1.45' },
  { id: 'deepseek/deepseek-r1-0528/fp-8', provider: 'inference-net', displayName: 'DeepSeek R1 0528 (FP8)', contextWindow: 131_072, maxOutputTokens: 32_768, modalities: TEXT, inputPriceUsdPerMTok: '0.50', outputPriceUsdPerMTok: '3.00' },
];

function freezeModel(spec: ModelSpec): ModelSpec {
  // Modality sets are shared between entries; each gets its own frozen copy.
  const modalities = Object.freeze({
    input: Object.freeze([...spec.modalities.input]) as Modality[],
    output: Object.freeze([...spec.modalities.output]) as Modality[],
  });
  return Object.freeze({ ...spec, modalities });
}

/** Grouped by provider, in BUILT_IN_PROVIDERS order. Shared and deeply frozen. */
export const BUILT_IN_MODELS: readonly ModelSpec[] = Object.freeze(
  [
    ...openai,
    ...anthropic,
    ...google,
    ...groq,
    ...deepseek,
    ...openrouter,
    ...hyperbolic,
    ...inceptionlabs,
    ...inferenceNet,
  ]
    .concat(EMBEDDING_MODELS)
    .map(freezeModel)
    // Each provider's embedding models after its chat models (a stable sort keeps catalog order).
    .sort((a, b) => providerRank(a.provider) - providerRank(b.provider)),
);

function providerRank(id: string): number {
  return BUILT_IN_PROVIDERS.findIndex((p) => p.id === id);
}
