import type { EventEmitter } from 'node:events';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { Readable } from 'node:stream';
import { Agent, buildConnector, errors as undiciErrors, util as undiciUtil, type Dispatcher } from 'undici';
import {
  checkAddress,
  checkHostname,
  EgressBlockedError,
  isSelfTarget,
  parseCidrList,
  type AllowList,
  type ListenAddress,
} from './egress-guard.js';
import { atTurnEnd } from './turn-end.js';

/**
 * The one module that makes outbound HTTP calls. Two undici agents: `trusted` for catalog
 * providers and operator overrides, `guarded` for user-defined custom providers, whose connector
 * refuses internal addresses after DNS resolution, on the address actually connected to.
 */

export interface UpstreamClientOptions {
  connectTimeoutMs: number;
  /** Non-streaming body cap. */
  maxResponseBytes: number;
  /** From CUSTOM_PROVIDER_ALLOW_PRIVATE: CIDR list, or ['*'] = everything allowed. */
  allowPrivateCidrs: string[];
  /** The gateway's own listen addresses, to refuse loops. */
  selfAddresses?: () => ListenAddress[];
  /** Per-origin keep-alive pool size. */
  /** Per-origin connection cap; null (default) means no cap, so long streams never queue behind each other. */
  connections?: number | null;
}

export interface UpstreamCall {
  url: string;
  /** POST (inference) unless given; GET for listings such as `…/models`. */
  method?: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Omitted for GET. */
  body?: string;
  /** 'trusted': catalog providers and PROVIDER_BASE_URL_* overrides; 'guarded': custom providers. */
  egress: 'trusted' | 'guarded';
  /**
   * Aborted on client disconnect / attempt timeout. undici also takes an EventEmitter that emits
   * 'abort' and carries `reason` (the /v1 attempts use one, cheaper than an AbortController).
   */
  signal: AbortSignal | EventEmitter;
  /** Time to response headers. */
  headersTimeoutMs: number;
  /** Max idle time between body chunks. */
  bodyTimeoutMs: number;
}

/** An upstream body as undici hands it over: a Node Readable (the relay reads it through 'data' events). */
export type UpstreamBody = Readable;

export type UpstreamHeaders = Record<string, string | string[] | undefined>;

/** An answer whose body is read as it arrives (streams). */
export interface UpstreamResponse {
  status: number;
  headers: UpstreamHeaders;
  body: UpstreamBody;
}

/** A complete answer: its whole body in one Buffer. */
export interface UpstreamAnswer {
  readonly status: number;
  readonly headers: UpstreamHeaders;
  readonly body: Buffer;
}

export interface UpstreamClient {
  /**
   * One call whose answer is wanted whole. A 2xx body past `maxBytes` (default maxResponseBytes)
   * fails the call with RESPONSE_TOO_LARGE, as does a network error or the signal; any other
   * status's body is wanted only for its message, so it is read best-effort, up to
   * ERROR_BODY_BYTES: empty when it is larger or breaks off.
   */
  fetch(call: UpstreamCall, maxBytes?: number): Promise<UpstreamAnswer>;
  /** One call whose body is handed over as a stream, for the caller to read, drain or discard. */
  send(call: UpstreamCall): Promise<UpstreamResponse>;
  /** Reads a whole `send` body, failing with code 'RESPONSE_TOO_LARGE' past maxResponseBytes. */
  readBody(res: UpstreamResponse, maxBytes?: number): Promise<Buffer>;
  close(): Promise<void>;
}

export const UPSTREAM_DEFAULTS = {
  connectTimeoutMs: 10_000,
  maxResponseBytes: 32 * 1024 * 1024,
  connections: null,
} as const;

/** An error status's body is read for its message only: never more than this. */
export const ERROR_BODY_BYTES = 256 * 1024;

/** A non-streaming body exceeded its cap; `code` is read by `classify.ts` like undici's codes. */
export class ResponseTooLargeError extends Error {
  readonly code = 'RESPONSE_TOO_LARGE';
  readonly limit: number;

  constructor(limit: number) {
    super(`upstream response body exceeds ${limit} bytes`);
    this.name = 'ResponseTooLargeError';
    this.limit = limit;
  }
}

/** Only plain HTTP(S) goes out; anything else in a custom base URL is refused before dialing. */
export class UnsupportedProtocolError extends Error {
  readonly code = 'UNSUPPORTED_PROTOCOL';

  constructor(protocol: string) {
    super(`upstream protocol ${protocol} is not supported`);
    this.name = 'UnsupportedProtocolError';
  }
}

function localInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

type LookupCallback = Parameters<LookupFunction>[2];

/**
 * A `net.connect` lookup that resolves every address and refuses the whole name when any of them
 * is internal: with happy-eyeballs Node may dial any of them, and a name mixing public and private
 * answers is a rebinding attempt rather than a real provider.
 */
function guardedLookup(allow: AllowList): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: LookupCallback) => {
    // With nothing allowed, a metadata name cannot pass whatever it resolves to: refuse without a
    // DNS query (inside a cloud VM the query itself reaches the metadata resolver).
    const early = allow.entries.length === 0 ? checkHostname(hostname, [], allow) : undefined;
    if (early) return process.nextTick(() => callback(early, '', 0));
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      // A name that does not resolve reads like a refused one, or tenants could probe which
      // internal names exist; the DNS error stays on the error (cause) for the operator.
      if (err) return callback(Object.assign(new EgressBlockedError(hostname, 'unresolved', hostname), { cause: err }), '', 0);
      const refusal =
        checkHostname(hostname, addresses.map((a) => a.address), allow) ??
        addresses.map((a) => checkAddress(a.address, allow, hostname)).find((e) => e !== undefined);
      if (refusal) return callback(refusal, '', 0);
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      return callback(null, first.address, first.family);
    });
  };
}

type Connector = ReturnType<typeof buildConnector>;
type ConnectOptions = Parameters<Connector>[0];
type ConnectCallback = Parameters<Connector>[1];

function defaultPort(options: ConnectOptions): number {
  return Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
}

/**
 * Wraps undici's connector. IP literals never reach `lookup`, so they are checked here before
 * dialing; after the socket connects, its real remote address is checked again (class and
 * self-loop), which is the check that cannot be raced by a changing DNS answer.
 */
function guardedConnector(options: {
  allow: AllowList;
  connectTimeoutMs: number;
  selfAddresses: () => ListenAddress[];
}): Connector {
  const base = buildConnector({ timeout: options.connectTimeoutMs, lookup: guardedLookup(options.allow) });
  const refuse = (ip: string, port: number, hostname?: string): EgressBlockedError | undefined => {
    const selves = options.selfAddresses();
    if (selves.length > 0 && isSelfTarget(ip, port, selves, localInterfaceAddresses())) {
      return new EgressBlockedError(`${ip}:${port}`, 'gateway-self', hostname);
    }
    return checkAddress(ip, options.allow, hostname);
  };

  return (connectOptions: ConnectOptions, callback: ConnectCallback) => {
    const { hostname } = connectOptions;
    const port = defaultPort(connectOptions);
    if (isIP(hostname) !== 0) {
      const refusal = refuse(hostname, port);
      if (refusal) {
        // Asynchronous like a failed dial, so undici's connect bookkeeping sees the usual order.
        process.nextTick(() => callback(refusal, null));
        return;
      }
    }
    base(connectOptions, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('connect failed'), null);
      const remote = (socket as Socket).remoteAddress;
      // Fail closed: a socket whose peer is unknown (closed at once) is never handed to undici.
      const refusal = remote
        ? refuse(remote, (socket as Socket).remotePort ?? port, hostname)
        : Object.assign(new Error('upstream socket closed before its peer address was known'), { code: 'ECONNRESET' });
      if (refusal) {
        socket.destroy();
        return callback(refusal, null);
      }
      return callback(null, socket);
    });
  };
}

/**
 * Destroys a body we will not read, which also aborts its socket. undici bodies emit 'error' on
 * any destroy before end, so a listener is attached first or the process would crash on it.
 */
export function discardBody(body: UpstreamBody, error?: Error): void {
  body.on('error', () => {});
  body.destroy(error);
}

/** What may follow a stream's final event (normally only the chunked terminator) before its connection is given up. */
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_LIMIT_MS = 2_000;

/**
 * Reads the rest of a body whose answer is complete, in the background, so undici can return its
 * keep-alive connection to the pool; destroying it instead would close the connection. A body
 * that goes on too long or too late is discarded after all.
 */
export function drainUpstream(body: UpstreamBody): void {
  if (body.readableEnded) return;
  let bytes = 0;
  const timer = setTimeout(() => discardBody(body), DRAIN_LIMIT_MS);
  timer.unref();
  const stop = () => clearTimeout(timer);
  body.on('data', (chunk: Uint8Array) => {
    bytes += chunk.byteLength;
    if (bytes <= DRAIN_LIMIT_BYTES) return;
    stop();
    discardBody(body);
  });
  body.once('end', stop);
  body.once('error', stop);
  body.resume();
}

/** Reads a whole body through 'data' events (no async iterator: no promise per chunk), failing past `maxBytes`. */
function readAll(body: UpstreamBody, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    body.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        const error = new ResponseTooLargeError(maxBytes);
        reject(error);
        discardBody(body, error);
        return;
      }
      chunks.push(chunk);
    });
    body.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)));
    body.once('error', reject);
  });
}

type CallSignal = UpstreamCall['signal'];

/** Why the signal fired, or undefined while it has not: read alike on an AbortSignal and on an emitter carrying `aborted`/`reason` (AttemptAbort). */
function abortedReason(signal: CallSignal): Error | undefined {
  const s = signal as { aborted?: boolean; reason?: unknown };
  if (!s.aborted) return undefined;
  // As undici's request() does: the signal's reason is what the call fails with.
  return s.reason instanceof Error ? s.reason : new undiciErrors.RequestAbortedError();
}

function listen(signal: CallSignal, listener: () => void): void {
  if ('addEventListener' in signal) signal.addEventListener('abort', listener, { once: true });
  else signal.on('abort', listener);
}

function unlisten(signal: CallSignal, listener: () => void): void {
  if ('removeEventListener' in signal) signal.removeEventListener('abort', listener);
  else signal.removeListener('abort', listener);
}

const EMPTY = Buffer.alloc(0);

/** The statuses whose body is the answer (`fetch` reads any other status's body for its message only). */
export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

type AbortRequest = (err?: Error) => void;

/** A complete answer whose headers are parsed on first read: a success's are rarely looked at. */
class CompleteAnswer implements UpstreamAnswer {
  private parsed: UpstreamHeaders | undefined;

  constructor(
    readonly status: number,
    private readonly rawHeaders: Buffer[],
    readonly body: Buffer,
  ) {}

  get headers(): UpstreamHeaders {
    return (this.parsed ??= undiciUtil.parseHeaders(this.rawHeaders) as UpstreamHeaders);
  }
}

/** The content-length a raw head declares (NaN when none), without parsing the other headers. */
function declaredLength(rawHeaders: Buffer[]): number {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length === 14 && undiciUtil.headerNameToString(name) === 'content-length') return Number(rawHeaders[i + 1].toString('latin1'));
  }
  return NaN;
}

function notConnected(): void {}

function settledAlready(): void {}

/**
 * Collects one complete answer for `fetch` as an undici dispatch handler: chunks into one Buffer
 * and one promise settled once, where `request()` builds a full Readable per answer. It uses the
 * hooks undici 7's core calls directly (onConnect/onHeaders/onData/onComplete/onError); handlers
 * with the onRequestStart/onResponse* hooks are adapted onto these through two objects more per call.
 */
class AnswerCollector implements Dispatcher.DispatchHandler {
  private settled = false;
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private chunks: Buffer[] = [];
  private bytes = 0;
  private limit: number;
  /** undici's abort for this request once it is on a socket. */
  private abortRequest: AbortRequest = notConnected;
  /** Set when the signal fired before the request reached a socket: it is aborted when it does. */
  private reason: Error | undefined;
  /** The signal's listener (an emitter calls functions: one closure per call). */
  private readonly onAbort = (): void => this.abort(abortedReason(this.signal) ?? new undiciErrors.RequestAbortedError());

  constructor(
    private readonly signal: CallSignal,
    maxBytes: number,
    private resolve: (answer: UpstreamAnswer) => void,
    private reject: (err: Error) => void,
    /** What to send (`sendOn`); dropped once sent, as undici keeps its own copy. */
    private options: Dispatcher.DispatchOptions | undefined,
  ) {
    this.limit = maxBytes;
    listen(signal, this.onAbort);
  }

  private abort(reason: Error): void {
    if (this.settled) return;
    if (this.abortRequest !== notConnected) return this.abortRequest(reason); // undici calls onError with it
    // Still queued or connecting: the caller hears now; the request is aborted when it gets a socket.
    this.reason = reason;
    this.onError(reason);
  }

  /** Hands the call to undici, unless the caller already has its outcome (aborted while the call waited to be sent). */
  sendOn(agent: Agent): void {
    const { options } = this;
    this.options = undefined;
    if (options && !this.settled) agent.dispatch(options, this);
  }

  onConnect(abort: AbortRequest): void {
    if (this.reason) return abort(this.reason);
    this.abortRequest = abort;
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true; // 1xx: the real head follows
    this.status = status;
    this.rawHeaders = rawHeaders;
    if (!isSuccess(status)) this.limit = Math.min(this.limit, ERROR_BODY_BYTES);
    if (declaredLength(rawHeaders) > this.limit) this.abortRequest(new ResponseTooLargeError(this.limit));
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.bytes += chunk.byteLength;
    if (this.bytes > this.limit) {
      // Destroys the socket: a body we will not read has no place on a keep-alive connection.
      this.abortRequest(new ResponseTooLargeError(this.limit));
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    const { chunks, resolve } = this;
    const body = chunks.length === 1 ? chunks[0] : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, this.bytes);
    const answer = new CompleteAnswer(this.status, this.rawHeaders, body);
    this.settle();
    resolve(answer);
  }

  onError(err: Error): void {
    if (this.settled) return;
    const { resolve, reject } = this;
    // An error status's body is best-effort: its status and headers still say what went wrong.
    const answer = this.status !== 0 && !isSuccess(this.status) ? new CompleteAnswer(this.status, this.rawHeaders, EMPTY) : undefined;
    this.settle();
    if (answer) resolve(answer);
    else reject(err);
  }

  /**
   * Lets go of everything the answer holds: undici may keep a finished request's handler a while
   * (its queue, a connection's parser), and the header buffers, body chunks and the promise's
   * settle functions would live as long.
   */
  private settle(): void {
    this.settled = true;
    unlisten(this.signal, this.onAbort);
    this.rawHeaders = [];
    this.chunks = [];
    this.resolve = settledAlready;
    this.reject = settledAlready;
  }
}

function dispatchCollector(agent: Agent, collector: AnswerCollector): void {
  collector.sendOn(agent);
}

interface Target {
  origin: string;
  path: string;
}

/** Parsed call URLs: a provider's endpoint URL is the same string call after call. */
const TARGET_CACHE_SIZE = 1024;

/** Parses call URLs once per distinct URL; only plain HTTP(S) goes out. */
function targetCache(): (url: string) => Target {
  const targets = new Map<string, Target>();
  return (url) => {
    let target = targets.get(url);
    if (target) return target;
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UnsupportedProtocolError(parsed.protocol);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    // Bounded: URLs that vary per call (a query per request) must not grow it for ever.
    if (targets.size >= TARGET_CACHE_SIZE) targets.clear();
    targets.set(url, target);
    return target;
  };
}

/** What undici is asked for, the same for a complete answer (`fetch`) and a stream (`send`). */
function requestOptions(call: UpstreamCall, target: Target): Dispatcher.DispatchOptions {
  return {
    origin: target.origin,
    path: target.path,
    method: call.method ?? 'POST',
    headers: call.headers,
    body: call.body,
    headersTimeout: call.headersTimeoutMs,
    bodyTimeout: call.bodyTimeoutMs,
  };
}

export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const connectTimeoutMs = options.connectTimeoutMs ?? UPSTREAM_DEFAULTS.connectTimeoutMs;
  const maxResponseBytes = options.maxResponseBytes ?? UPSTREAM_DEFAULTS.maxResponseBytes;
  const connections = options.connections ?? UPSTREAM_DEFAULTS.connections;
  const allow = parseCidrList(options.allowPrivateCidrs);
  const selfAddresses = options.selfAddresses ?? (() => []);

  // pipelining 1: LLM calls are long and streamed; pipelining would queue a request behind one.
  // undici Agents follow no redirects unless a redirect interceptor is composed in, so a 3xx is
  // returned as-is and a custom provider cannot bounce the call (with its credential) elsewhere.
  const trusted = new Agent({ connections, pipelining: 1, connect: { timeout: connectTimeoutMs } });
  const guarded = new Agent({
    connections,
    pipelining: 1,
    connect: guardedConnector({ allow, connectTimeoutMs, selfAddresses }),
  });

  const targetOf = targetCache();
  const agentFor = (call: UpstreamCall): Agent => (call.egress === 'trusted' ? trusted : guarded);

  return {
    fetch(call, maxBytes = maxResponseBytes) {
      let target: Target;
      try {
        target = targetOf(call.url);
      } catch (err) {
        return Promise.reject(err as Error);
      }
      const aborted = abortedReason(call.signal);
      if (aborted) return Promise.reject(aborted);
      return new Promise<UpstreamAnswer>((resolve, reject) => {
        // The collector listens to the signal itself (also while the call is queued). It leaves
        // with the turn's other writes (turn-end.ts).
        atTurnEnd(dispatchCollector, agentFor(call), new AnswerCollector(call.signal, maxBytes, resolve, reject, requestOptions(call, target)));
      });
    },

    async send(call) {
      const res = await agentFor(call).request({ ...requestOptions(call, targetOf(call.url)), signal: call.signal });
      return { status: res.statusCode, headers: res.headers, body: res.body };
    },

    async readBody(res, maxBytes = maxResponseBytes) {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        const error = new ResponseTooLargeError(maxBytes);
        discardBody(res.body, error);
        throw error;
      }
      return readAll(res.body, maxBytes);
    },

    async close() {
      await Promise.all([trusted.close(), guarded.close()]);
    },
  };
}
