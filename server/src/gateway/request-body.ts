import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { RequestTooLargeError, UnsupportedEncodingError, ValidationError } from '../errors/validation-error.js';
import { hasUnsafeText } from './text-safety.js';
import { isPositiveInteger } from './request-fields.js';
import type { CacheWrites } from '../services/pricing.js';

export interface InferenceBody {
  json: Record<string, unknown>;
  model: string;
  fallbacks: string[];
  stream: boolean;
  /** Raw size, an upper bound for input tokens in the credit pre-check. */
  bytes: number;
  /** The client asked for stream usage itself (so the usage chunk must reach it). */
  clientWantsStreamUsage: boolean;
  /** max_tokens / max_completion_tokens / max_output_tokens, when given. */
  maxOutputTokens: number | undefined;
  /**
   * The body marks content for the provider's prompt cache (`cache_control`, Anthropic's field,
   * which chat content parts carry too), for 5 minutes or, when it names a `"1h"` ttl, an hour: a
   * cache write costs more than plain input, so the credit hold prices such a request's input at
   * that write price.
   */
  cacheWrites: CacheWrites;
  /** Fields the account's token caps took out of `json` (token-caps.ts), named in x-gateway-removed-params. */
  removedByCaps?: string[];
}

const MAX_FALLBACKS = 16;
/** Deeper bodies are refused: re-serialising them for the upstream would overflow the stack. */
const MAX_JSON_DEPTH = 1000;

/** True when arrays/objects nest deeper than `max` (strings skipped); a body this short cannot. */
function nestsDeeperThan(raw: Buffer, max: number): boolean {
  if (raw.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped byte
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

type Decompress = (body: InputType, options: ZlibOptions, callback: (err: Error | null, out: Buffer) => void) => void;

/** The Content-Encodings a client may compress its body with (RFC 9110 names; x-gzip is gzip). */
const DECODERS: ReadonlyMap<string, Decompress> = new Map<string, Decompress>([
  ['gzip', gunzip],
  ['x-gzip', gunzip],
  ['deflate', inflate],
  ['br', brotliDecompress],
]);

/**
 * The body, decoded from its Content-Encoding. The size cap holds for the compressed bytes and
 * again for the decoded ones (zlib stops at maxOutputLength: a small bomb cannot inflate past it).
 * An encoding the gateway cannot decode is refused (415) rather than parsed as if it were JSON.
 */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding === undefined || encoding === '' || encoding === 'identity') return readRawBody(req, limit);
  const decompress = DECODERS.get(encoding);
  if (!decompress) throw new UnsupportedEncodingError(encoding);
  const compressed = await readRawBody(req, limit);
  return new Promise((resolve, reject) => {
    decompress(compressed, { maxOutputLength: limit }, (err, out) => {
      if (!err) resolve(out);
      else if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') reject(new RequestTooLargeError(limit));
      else reject(new ValidationError(`Request body is not valid ${encoding} data.`));
    });
  });
}

/**
 * Reads the body with a hard cap (413 past it) without buffering more than the cap. Through
 * 'data' events rather than an async iterator, which costs a promise per chunk and a
 * finished() watcher per request.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new RequestTooLargeError(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error) => {
      req.off('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // The rest is not buffered; node:http discards it once the 413 is written.
      fail(new RequestTooLargeError(limit));
    };
    // Plain listeners: a request ends and closes once, and a second settle of the promise is a
    // no-op, so `once` would only add a bound wrapper function per listener and request.
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.on('error', fail);
    // The client went away mid-body (the pipeline sees its closed connection and answers nothing).
    req.on('close', () => {
      if (!req.complete) fail(new Error('the client closed the connection before the request body was complete'));
    });
  });
}

const CACHE_CONTROL = Buffer.from('"cache_control"');
const ONE_HOUR = Buffer.from('"1h"');

/**
 * A byte search of the raw body (native, no walk of the parsed one). A string that merely contains
 * the name holds more than needed, which the settlement gives back; no cache_control at all means
 * no cache write can be billed.
 */
function cacheWritesOf(raw: Buffer): CacheWrites {
  if (!raw.includes(CACHE_CONTROL)) return 'none';
  return raw.includes(ONE_HOUR) ? '1h' : '5m';
}

/** Longest model string a request may name (usage rows keep it; catalog ids are far shorter). */
const MAX_MODEL_LENGTH = 256;

/**
 * What is wrong with a model string a client sent (in a body or a path), or undefined. The model
 * string reaches usage rows and logs (audit HIGH-1: a NUL stopped usage writing for everyone).
 */
export function modelStringProblem(model: string): string | undefined {
  if (model.trim() === '') return 'is required and must be a non-empty string';
  if (model.length > MAX_MODEL_LENGTH) return `must be at most ${MAX_MODEL_LENGTH} characters`;
  if (hasUnsafeText(model)) return 'must not contain control characters or unpaired surrogates';
  return undefined;
}

function positiveInt(v: unknown): number | undefined {
  return isPositiveInteger(v) ? v : undefined;
}

/** The fields the gateway itself reads; everything else is forwarded untouched. */
export function parseInferenceBody(raw: Buffer): InferenceBody {
  if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    throw new ValidationError(`Request body nests deeper than ${MAX_JSON_DEPTH} levels.`);
  }
  // JSON is UTF-8 (RFC 8259); decoding replaces broken bytes with U+FFFD, which would change the
  // prompt without a word. isUtf8 is a native scan: nothing measurable per request.
  if (!isUtf8(raw)) throw new ValidationError('Request body is not valid UTF-8.');
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ValidationError('Request body must be valid JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ValidationError('Request body must be a JSON object.');
  }
  const body = json as Record<string, unknown>;
  if (typeof body.model !== 'string') throw new ValidationError('`model` is required and must be a non-empty string.');
  const problem = modelStringProblem(body.model);
  if (problem) throw new ValidationError(`\`model\` ${problem}.`);
  let fallbacks: string[] = [];
  if (body.models !== undefined && body.models !== null) {
    if (!Array.isArray(body.models) || !body.models.every((m) => typeof m === 'string')) {
      throw new ValidationError('`models` must be an array of model strings.');
    }
    if (body.models.length > MAX_FALLBACKS) {
      throw new ValidationError(`\`models\` may list at most ${MAX_FALLBACKS} fallback models.`);
    }
    for (const [i, model] of (body.models as string[]).entries()) {
      const fallbackProblem = modelStringProblem(model);
      if (fallbackProblem) throw new ValidationError(`\`models[${i}]\` ${fallbackProblem}.`);
    }
    fallbacks = body.models as string[];
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw new ValidationError('`stream` must be a boolean.');
  }
  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  return {
    json: body,
    model: body.model,
    fallbacks,
    stream: body.stream === true,
    bytes: raw.length,
    cacheWrites: cacheWritesOf(raw),
    clientWantsStreamUsage: typeof streamOptions === 'object' && streamOptions !== null && streamOptions.include_usage === true,
    maxOutputTokens:
      positiveInt(body.max_tokens) ?? positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_output_tokens),
  };
}
