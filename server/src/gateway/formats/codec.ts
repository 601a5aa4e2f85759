import type { ModelSpec } from '../../catalog/types.js';
import type {
  EncoderOptions,
  Json,
  PivotRequest,
  PivotResponse,
  StreamDecoder,
  StreamEncoder,
} from '../pivot.js';

/** Pivot request fields a provider format may be unable to express; each client codec names them its own way. */
export type PivotField = 'topK' | 'reasoning' | 'output' | 'temperature' | 'stop' | 'user' | 'parallelToolCalls';

export interface BuildOptions {
  /** Catalog entry of the serving model: output limit, max-tokens parameter, reasoning flag. */
  spec: ModelSpec | undefined;
  /** ProviderSpec.echoesReasoningContent of the serving provider. */
  echoesReasoningContent?: boolean;
}

export interface BuiltBody {
  body: Json;
  /** Pivot fields this format has no place for (dropped, and named to the client). */
  removed: PivotField[];
}

/** What a client-facing format needs: read its requests, write its answers and streams. */
export interface ClientCodec {
  parseRequest(body: Json): PivotRequest;
  /** `request`: the client's body, for formats whose answers repeat its settings (Responses). */
  buildResponse(response: PivotResponse, model: string, request: Json): Json;
  encoder(options: EncoderOptions): StreamEncoder;
  /** The client-side name of each pivot field, for x-gateway-removed-params. */
  fieldNames: Readonly<Record<PivotField, string>>;
}

/** What a provider-facing format needs: write requests, read answers and streams. */
export interface ProviderCodec {
  buildRequest(request: PivotRequest, options: BuildOptions): BuiltBody;
  parseResponse(json: unknown): PivotResponse;
  decoder(): StreamDecoder;
}

/** Anthropic requires max_tokens; clients of other formats usually leave it out. */
export const DEFAULT_MAX_TOKENS = 4096;

/** The requested output limit, clamped to what the serving model accepts (a request above it is a 400 upstream). */
export function clampMaxTokens(requested: number | undefined, spec: ModelSpec | undefined): number | undefined {
  if (requested === undefined || spec === undefined) return requested;
  return Math.min(requested, spec.maxOutputTokens);
}

/** Top-level client fields a parser did not consume, except those the gateway itself handles. */
export function unconsumed(body: Json, consumed: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(body)) if (!consumed.has(key) && body[key] !== undefined && body[key] !== null) out.push(key);
  return out;
}

export function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** An SSE frame; `event` is the line Anthropic and Responses clients dispatch on. */
export function sseFrame(event: string | undefined, data: unknown): string {
  const json = typeof data === 'string' ? data : JSON.stringify(data);
  return event === undefined ? `data: ${json}\n\n` : `event: ${event}\ndata: ${json}\n\n`;
}

let counter = 0;
/** Ids for objects the gateway creates (translated answers); unique per process, never secret. */
export function generatedId(prefix: string): string {
  counter = (counter + 1) % 1_000_000;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36).padStart(4, '0')}`;
}
