import type { ServerResponse } from 'node:http';
import type { StreamObservation, StreamObserver } from './adapters/adapter.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';
import { MAX_SSE_EVENT_BYTES, SseEventTooLargeError, SseParser, serializeSse, type SseEvent } from './sse.js';
import type { StreamTranslator } from './formats/index.js';
import { streamErrorFrame } from './translate/error-body.js';
import type { Surface } from '../catalog/types.js';
import { UpstreamTimeoutError } from '../errors/timeout-error.js';
import type { StreamOutputFilter } from './policies/stream-guard.js';
import { discardBody, drainUpstream } from './upstream.js';

export interface StreamRelayOptions {
  body: AsyncIterable<Uint8Array> & { destroy?(err?: Error): void };
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

function waitForDrain(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

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
export async function relayStream(o: StreamRelayOptions): Promise<StreamOutcome> {
  const parser = new SseParser();
  const passRaw = !o.translator && !o.rewrite;
  let pending: (Uint8Array | string)[] = [];
  let meaningful = false;
  let committed = false;
  let done = false;
  /** The upstream sent its own error frame after the commit; it already reached the client. */
  let upstreamErrored = false;

  /** The output filter ended the stream (a firewall rule blocked what came next). */
  let blocked = false;
  const write = async (data: Uint8Array | string): Promise<void> => {
    o.onWrite?.(data);
    if (!o.res.write(data)) await waitForDrain(o.res);
  };
  /** One socket write per upstream chunk: frames of one mode are all strings or all raw bytes. */
  const writeAll = async (parts: (Uint8Array | string)[]): Promise<void> => {
    if (parts.length === 0) return;
    let data = parts.length === 1 ? parts[0] : typeof parts[0] === 'string' ? parts.join('') : Buffer.concat(parts as Uint8Array[]);
    if (o.outputFilter) {
      const filtered = o.outputFilter.filter(data);
      blocked = filtered.stopped;
      data = filtered.text;
      if (data.length === 0) return;
    }
    return write(data);
  };

  /**
   * Observes and converts one batch of events into `out`; returns a failure only before the
   * commit. In splice mode (`raw` given) the raw bytes pass unless an event is dropped, in which
   * case only the kept events are re-serialised.
   */
  const convert = (events: SseEvent[], out: (Uint8Array | string)[], raw?: Uint8Array): UpstreamFailure | undefined => {
    const splice = o.rewrite && !o.translator;
    let kept: SseEvent[] | undefined;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i];
      let obs: StreamObservation;
      let frames: string[] | undefined;
      if (o.translator) {
        const translated = o.translator.push(ev);
        obs = translated;
        frames = translated.frames;
      } else if (o.observer) {
        obs = o.observer.observe(ev);
      } else {
        throw new Error('relayStream needs an observer or a translator');
      }
      if (obs.error) {
        if (!committed) return obs.error;
        upstreamErrored = true;
      }
      if (obs.meaningful) meaningful = true;
      if (obs.done) done = true;
      if (frames !== undefined) {
        for (const frame of frames) out.push(frame);
      } else if (splice && obs.drop && !kept) {
        kept = events.slice(0, i);
      } else if (kept) {
        if (!obs.drop) kept.push(ev);
      }
    }
    if (splice) {
      if (kept) for (const ev of kept) out.push(serializeSse(ev));
      else if (raw && raw.length > 0) out.push(raw);
    }
    return undefined;
  };

  /** Splice mode: raw bytes are cut at the last complete event; the incomplete rest waits for more. */
  let carry: Buffer = Buffer.alloc(0);
  const takeComplete = (chunk: Uint8Array, final: boolean): Buffer => {
    // A terminator may straddle the join: rescan only the carry's last three bytes.
    const from = Math.max(0, carry.length - 3);
    const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const end = final ? buf.length : lastEventEnd(buf, from);
    carry = buf.subarray(end);
    if (carry.length > MAX_SSE_EVENT_BYTES) throw new SseEventTooLargeError();
    return buf.subarray(0, end);
  };
  let pendingBytes = 0;

  // Iterated by hand, not with for-await: leaving a for-await loop destroys the upstream body, and
  // an undici body destroyed before its end closes its keep-alive connection (a new TCP, and with
  // real providers TLS, handshake for the next request). After the final event the rest of the
  // body (usually just the chunked terminator) is read off in the background instead.
  const chunks = o.body[Symbol.asyncIterator]();
  /** The body was handed to the background drain or read to its end: never destroy it. */
  let released = false;
  try {
    for (;;) {
      const next = await chunks.next();
      if (next.done) {
        released = true;
        break;
      }
      const chunk = next.value;
      let out: (Uint8Array | string)[] = [];
      let failure: UpstreamFailure | undefined;
      if (o.rewrite && !o.translator) {
        const complete = takeComplete(chunk, false);
        failure = complete.length > 0 ? convert(parser.push(complete), out, complete) : undefined;
      } else {
        failure = convert(parser.push(chunk), out);
      }
      if (failure) {
        return { kind: 'failed', failure };
      }
      if (passRaw) out.push(chunk);
      if (!committed) {
        for (const w of out) {
          pending.push(w);
          pendingBytes += w.length;
        }
        if (!meaningful) {
          if (pendingBytes > MAX_PENDING_BYTES) {
            return { kind: 'failed', failure: { failureClass: 'transient', message: 'upstream stream sent too much before any content' } };
          }
          continue;
        }
        o.commit();
        committed = true;
        out = pending;
        pending = [];
      }
      await writeAll(out);
      if (blocked) return { kind: 'relayed', complete: false, error: 'a firewall policy blocked the answer', blockedByPolicy: true };
      // The final event is in: the answer is complete whatever happens to either connection now,
      // and clients such as openai 7 close as soon as they read it.
      if (done) {
        released = true;
        drainUpstream(o.body, chunks);
      }
      if (o.res.destroyed) return { kind: 'relayed', complete: done, error: done ? undefined : 'client closed the stream' };
      if (done) break;
    }
    const out: (Uint8Array | string)[] = [];
    if (o.rewrite && !o.translator && carry.length > 0) {
      const rest = takeComplete(new Uint8Array(0), true);
      convert([...parser.push(rest), ...parser.flush()], out, rest);
    } else {
      convert(parser.flush(), out);
    }
    if (o.translator) for (const frame of o.translator.end()) out.push(frame);
    if (!committed) {
      return { kind: 'failed', failure: { failureClass: 'transient', message: 'upstream stream ended before any content' } };
    }
    await writeAll(out);
    if (blocked) return { kind: 'relayed', complete: false, error: 'a firewall policy blocked the answer', blockedByPolicy: true };
    const held = o.outputFilter?.end();
    if (held) await write(held);
    if (!done && !upstreamErrored) {
      await write(streamErrorFrame(o.clientSurface, 'upstream_failed', 'The upstream stream ended before the answer was complete.'));
      return { kind: 'relayed', complete: false, error: 'upstream stream ended early' };
    }
    if (upstreamErrored) return { kind: 'relayed', complete: false, error: 'upstream sent an error frame mid-stream' };
    return { kind: 'relayed', complete: true };
  } catch (err) {
    if (!committed) {
      if (err instanceof SseEventTooLargeError) return { kind: 'failed', failure: { failureClass: 'transient', message: err.message } };
      throw err;
    }
    if (done) return { kind: 'relayed', complete: true };
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
      await write(frame).catch(() => undefined);
    }
    return { kind: 'relayed', complete: false, error: err instanceof Error ? err.message : 'stream failed', timedOut };
  } finally {
    if (!released) discardBody(o.body);
  }
}
