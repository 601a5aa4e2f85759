import type { ServerResponse } from 'node:http';
import type { StreamObservation, StreamObserver } from './adapters/adapter.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';
import { MAX_SSE_EVENT_BYTES, SseEventTooLargeError, SseParser, serializeSse, type SseEvent } from './sse.js';
import type { StreamTranslator } from './formats/index.js';
import { streamErrorFrame } from './translate/error-body.js';
import type { Surface } from '../catalog/types.js';
import { UpstreamTimeoutError } from '../errors/timeout-error.js';
import type { StreamOutputFilter } from './policies/stream-guard.js';
import { discardBody, drainUpstream, type UpstreamBody } from './upstream.js';

export interface StreamRelayOptions {
  body: UpstreamBody;
  /** Same format: observes events whose bytes pass through (unused when translating). */
  observer: StreamObserver | undefined;
  /** Cross-format: observes and rewrites each event, parsing it once. */
  translator: StreamTranslator | undefined;
  /** The usage chunk the client did not ask for must be dropped, so frames are re-serialised. */
  rewrite: boolean;
  res: ServerResponse;
  clientSurface: Surface;
  /** Sees every piece written to the client (the response cache's capture); absent unless caching. */
  onWrite?(data: Uint8Array | string): void;
  /** Writes status and headers; called once, when the first meaningful event arrives. */
  commit(): void;
  /** Rewrites what reaches the client (firewall answer rules); may stop the stream. */
  outputFilter?: StreamOutputFilter;
}

export type StreamOutcome =
  /** Failed before anything reached the client: may fail over. */
  | { kind: 'failed'; failure: UpstreamFailure }
  /** Committed; `complete` says whether the upstream finished its answer. */
  | { kind: 'relayed'; complete: boolean; error?: string; timedOut?: boolean; blockedByPolicy?: boolean };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Bytes held back before the first meaningful event (keep-alives, metadata frames): an upstream
 * that sends more than this and nothing a client needs is broken or hostile.
 */
export const MAX_PENDING_BYTES = MAX_SSE_EVENT_BYTES;

/**
 * Offset just past the last blank line (LF LF, CRLF CRLF or CR CR) in `buf` at or after `from`,
 * or 0 when none: callers pass where the previous scan stopped, so no byte is scanned twice.
 */
export function lastEventEnd(buf: Buffer, from = 0): number {
  const stop = Math.max(from, 1);
  for (let i = buf.length - 1; i >= stop; i--) {
    const c = buf[i];
    if (c === LF && (buf[i - 1] === LF || (i >= 3 && buf[i - 1] === CR && buf[i - 2] === LF && buf[i - 3] === CR))) return i + 1;
    if (c === CR && buf[i - 1] === CR) return i + 1;
  }
  return 0;
}

/**
 * Relays an upstream SSE body. Until the first meaningful event nothing is written, so an error
 * (HTTP 200 whose first frame is an error, a reset) can still fail over. After that, bytes pass
 * as they arrive with backpressure; a failure ends the stream with one error frame, never [DONE].
 */
export function relayStream(o: StreamRelayOptions): Promise<StreamOutcome> {
  return new Promise<StreamOutcome>((resolve, reject) => new StreamRelay(o, resolve, reject).start());
}

/** Empties an array kept for reuse. `length = 0` would drop its backing store, so the next push allocates again. */
function empty(items: unknown[]): void {
  while (items.length > 0) items.pop();
}

const EMPTY = Buffer.alloc(0);

const BLOCKED: StreamOutcome = { kind: 'relayed', complete: false, error: 'a firewall policy blocked the answer', blockedByPolicy: true };

/**
 * One relay, driven by the body's 'data' events rather than an async iterator: each chunk is
 * handled synchronously as undici delivers it (no promise or extra tick per chunk), the body is
 * paused only while the client's socket is full. Leaving a for-await loop would also destroy the
 * body, and an undici body destroyed before its end closes its keep-alive connection; after the
 * final event the rest of the body (usually only the chunked terminator) is drained instead.
 */
class StreamRelay {
  private readonly parser = new SseParser();
  /** Same format and nothing dropped: the upstream bytes are forwarded as they are. */
  private readonly passRaw: boolean;
  /** Same format, but an event may be dropped: raw bytes cut at event ends, re-serialised only around a drop. */
  private readonly splice: boolean;
  private pending: (Uint8Array | string)[] = [];
  /** One chunk's events and output (see take). */
  private readonly events: SseEvent[] = [];
  private readonly out: (Uint8Array | string)[] = [];
  private pendingBytes = 0;
  private meaningful = false;
  private committed = false;
  private done = false;
  /** The upstream sent its own error frame after the commit; it already reached the client. */
  private upstreamErrored = false;
  /** The output filter ended the stream (a firewall rule blocked what came next). */
  private blocked = false;
  /**
   * Splice mode: the chunks after the last complete event, waiting for the rest of it. Kept as a
   * list and joined once an event completes: joining on every chunk copied a long event's bytes
   * again per chunk (quadratic up to MAX_SSE_EVENT_BYTES, ~0.3 s of the event loop for one hostile
   * upstream sending 4 MiB without a line break).
   */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  /** The carry's last three bytes (at most): where a terminator completed by the next chunk starts. */
  private carryTail: Buffer = EMPTY;
  private settled = false;
  /** The body was handed to the background drain or read to its end: never destroy it. */
  private released = false;
  private paused = false;

  constructor(
    private readonly o: StreamRelayOptions,
    private readonly resolve: (outcome: StreamOutcome) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.passRaw = !o.translator && !o.rewrite;
    this.splice = o.rewrite && !o.translator;
  }

  start(): void {
    const { body } = this.o;
    body.on('data', this.onData);
    body.on('end', this.onEnd);
    body.on('error', this.onError);
  }

  private readonly onData = (chunk: Uint8Array): void => {
    if (this.settled) return;
    try {
      this.take(chunk);
    } catch (err) {
      this.fail(err);
    }
  };

  private readonly onEnd = (): void => {
    if (this.settled) return;
    this.released = true;
    try {
      this.finishAtEnd();
    } catch (err) {
      this.fail(err);
    }
  };

  private readonly onError = (err: Error): void => {
    if (!this.settled) this.fail(err);
  };

  private readonly onDrain = (): void => {
    this.o.res.off('drain', this.onDrain);
    this.o.res.off('close', this.onDrain);
    this.paused = false;
    if (this.settled) return;
    if (this.o.res.destroyed) {
      this.settle({ kind: 'relayed', complete: false, error: 'client closed the stream' });
      return;
    }
    this.o.body.resume();
  };

  private take(chunk: Uint8Array): void {
    const o = this.o;
    // Both arrays live as long as the relay and are emptied per chunk: no array per upstream chunk.
    let out = this.out;
    empty(out);
    const events = this.events;
    empty(events);
    let failure: UpstreamFailure | undefined;
    if (this.splice) {
      const complete = this.takeComplete(chunk, false);
      failure = complete.length > 0 ? this.convert(this.parser.push(complete, events), out, complete) : undefined;
    } else {
      failure = this.convert(this.parser.push(chunk, events), out);
    }
    if (failure) return this.settle({ kind: 'failed', failure });
    if (this.passRaw) out.push(chunk);
    if (!this.committed) {
      for (const w of out) {
        this.pending.push(w);
        this.pendingBytes += w.length;
      }
      if (!this.meaningful) {
        if (this.pendingBytes > MAX_PENDING_BYTES) {
          this.settle({ kind: 'failed', failure: { failureClass: 'transient', message: 'upstream stream sent too much before any content' } });
        }
        return;
      }
      o.commit();
      this.committed = true;
      out = this.pending;
      this.pending = [];
    }
    const flowing = this.writeAll(out);
    if (this.blocked) return this.settle(BLOCKED);
    // The final event is in: the answer is complete whatever happens to either connection now,
    // and clients such as openai 7 close as soon as they read it.
    if (this.done) {
      this.released = true;
      this.detach();
      drainUpstream(o.body);
      if (o.res.destroyed) return this.settle({ kind: 'relayed', complete: true });
      return this.finishAtEnd();
    }
    if (o.res.destroyed) return this.settle({ kind: 'relayed', complete: false, error: 'client closed the stream' });
    if (!flowing && !this.paused) {
      this.paused = true;
      o.body.pause();
      o.res.on('drain', this.onDrain);
      o.res.on('close', this.onDrain);
    }
  }

  /** The upstream ended (or sent its final event): flush what is held, and end in the client's terms. */
  private finishAtEnd(): void {
    const o = this.o;
    const out: (Uint8Array | string)[] = [];
    if (this.splice && this.carryBytes > 0) {
      const rest = this.takeComplete(new Uint8Array(0), true);
      this.convert(this.parser.flush(this.parser.push(rest)), out, rest);
    } else {
      this.convert(this.parser.flush(), out);
    }
    if (o.translator) for (const frame of o.translator.end()) out.push(frame);
    if (!this.committed) {
      return this.settle({ kind: 'failed', failure: { failureClass: 'transient', message: 'upstream stream ended before any content' } });
    }
    // Nothing waits for the socket from here on: the caller ends the response, which flushes it.
    this.writeAll(out);
    if (this.blocked) return this.settle(BLOCKED);
    const held = o.outputFilter?.end();
    if (held) this.write(held);
    if (!this.done && !this.upstreamErrored) {
      this.write(streamErrorFrame(o.clientSurface, 'upstream_failed', 'The upstream stream ended before the answer was complete.'));
      return this.settle({ kind: 'relayed', complete: false, error: 'upstream stream ended early' });
    }
    if (this.upstreamErrored) return this.settle({ kind: 'relayed', complete: false, error: 'upstream sent an error frame mid-stream' });
    this.settle({ kind: 'relayed', complete: true });
  }

  /** A read, parse or connection failure: fails over before the commit, ends the stream with one error frame after. */
  private fail(err: unknown): void {
    const o = this.o;
    if (!this.committed) {
      if (err instanceof SseEventTooLargeError) return this.settle({ kind: 'failed', failure: { failureClass: 'transient', message: err.message } });
      this.settled = true;
      this.cleanUp();
      this.reject(err);
      return;
    }
    if (this.done) return this.settle({ kind: 'relayed', complete: true });
    // The total timeout also caps a stream already under way: say so rather than blame the connection.
    const timedOut = err instanceof UpstreamTimeoutError;
    if (!o.res.destroyed) {
      const frame = timedOut
        ? streamErrorFrame(o.clientSurface, err.code, err.message, err.status)
        : streamErrorFrame(
            o.clientSurface,
            'upstream_failed',
            err instanceof SseEventTooLargeError ? `The upstream ${err.message.replace(/^upstream /, '')}.` : 'The upstream connection failed during the stream.',
          );
      try {
        this.write(frame);
      } catch {
        // the client connection is already unusable; the outcome below says the stream broke
      }
    }
    this.settle({ kind: 'relayed', complete: false, error: err instanceof Error ? err.message : 'stream failed', timedOut });
  }

  private settle(outcome: StreamOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.cleanUp();
    this.resolve(outcome);
  }

  private cleanUp(): void {
    this.detach();
    this.o.res.off('drain', this.onDrain);
    this.o.res.off('close', this.onDrain);
    if (!this.released) discardBody(this.o.body);
  }

  private detach(): void {
    const { body } = this.o;
    body.off('data', this.onData);
    body.off('end', this.onEnd);
    body.off('error', this.onError);
  }

  /** Returns false when the client's socket is full (the caller pauses the upstream). */
  private write(data: Uint8Array | string): boolean {
    this.o.onWrite?.(data);
    return this.o.res.write(data);
  }

  /** One socket write per upstream chunk: frames of one mode are all strings or all raw bytes. */
  private writeAll(parts: (Uint8Array | string)[]): boolean {
    if (parts.length === 0) return true;
    let data = parts.length === 1 ? parts[0] : typeof parts[0] === 'string' ? parts.join('') : Buffer.concat(parts as Uint8Array[]);
    if (this.o.outputFilter) {
      const filtered = this.o.outputFilter.filter(data);
      this.blocked = filtered.stopped;
      data = filtered.text;
      if (data.length === 0) return true;
    }
    return this.write(data);
  }

  /**
   * Observes and converts one batch of events into `out`; returns a failure only before the
   * commit. In splice mode (`raw` given) the raw bytes pass unless an event is dropped, in which
   * case only the kept events are re-serialised.
   */
  private convert(events: SseEvent[], out: (Uint8Array | string)[], raw?: Uint8Array): UpstreamFailure | undefined {
    const { translator, observer } = this.o;
    let kept: SseEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      let obs: StreamObservation;
      let frames: string[] | undefined;
      if (translator) {
        const translated = translator.push(ev);
        obs = translated;
        frames = translated.frames;
      } else if (observer) {
        obs = observer.observe(ev);
      } else {
        throw new Error('relayStream needs an observer or a translator');
      }
      if (obs.error) {
        if (!this.committed) return obs.error;
        this.upstreamErrored = true;
      }
      if (obs.meaningful) this.meaningful = true;
      if (obs.done) this.done = true;
      if (frames !== undefined) {
        for (const frame of frames) out.push(frame);
      } else if (this.splice && obs.drop && !kept) {
        kept = events.slice(0, i);
      } else if (kept) {
        if (!obs.drop) kept.push(ev);
      }
    }
    if (this.splice) {
      if (kept) for (const ev of kept) out.push(serializeSse(ev));
      else if (raw && raw.length > 0) out.push(raw);
    }
    return undefined;
  }

  /** Splice mode: raw bytes are cut at the last complete event; the incomplete rest waits for more. */
  private takeComplete(chunk: Uint8Array, final: boolean): Buffer {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.carryBytes === 0) {
      const end = final ? view.length : lastEventEnd(view);
      if (end < view.length) this.hold(view.subarray(end));
      return view.subarray(0, end);
    }
    // A terminator may straddle the join: scan the chunk with the carry's last three bytes.
    let end = view.length;
    if (!final) {
      const tail = this.carryTail;
      const probed = lastEventEnd(Buffer.concat([tail, view]));
      if (probed === 0) {
        this.hold(view);
        return EMPTY;
      }
      end = Math.max(0, probed - tail.length);
    }
    const buf = Buffer.concat([...this.carry, view], this.carryBytes + view.length);
    const complete = this.carryBytes + end;
    this.carry = [];
    this.carryBytes = 0;
    this.carryTail = EMPTY;
    if (complete < buf.length) this.hold(buf.subarray(complete));
    return buf.subarray(0, complete);
  }

  private hold(bytes: Buffer): void {
    this.carry.push(bytes);
    this.carryBytes += bytes.length;
    if (this.carryBytes > MAX_SSE_EVENT_BYTES) throw new SseEventTooLargeError();
    this.carryTail = bytes.length >= 3 ? bytes.subarray(bytes.length - 3) : Buffer.concat([this.carryTail, bytes]).subarray(-3);
  }
}
