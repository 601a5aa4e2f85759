import type { ServerResponse } from 'node:http';
import type { StreamObserver } from './adapters/adapter.js';
import type { UpstreamFailure } from '../errors/upstream-error.js';
import { SseParser, serializeSse, type SseEvent } from './sse.js';
import type { StreamTranslator } from './translate/stream.js';
import { streamErrorFrame } from './translate/error-body.js';
import type { Surface } from '../catalog/types.js';
import { UpstreamTimeoutError } from '../errors/timeout-error.js';

export interface StreamRelayOptions {
  body: AsyncIterable<Uint8Array> & { destroy?(err?: Error): void };
  observer: StreamObserver;
  /** Cross-format: events are rewritten by the translator. */
  translator: StreamTranslator | undefined;
  /** The usage chunk the client did not ask for must be dropped, so frames are re-serialised. */
  rewrite: boolean;
  res: ServerResponse;
  clientSurface: Surface;
  /** Writes status and headers; called once, when the first meaningful event arrives. */
  commit(): void;
}

export type StreamOutcome =
  /** Failed before anything reached the client: may fail over. */
  | { kind: 'failed'; failure: UpstreamFailure }
  /** Committed; `complete` says whether the upstream finished its answer. */
  | { kind: 'relayed'; complete: boolean; error?: string; timedOut?: boolean };

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

  const write = async (data: Uint8Array | string): Promise<void> => {
    if (!o.res.write(data)) await waitForDrain(o.res);
  };
  /** One socket write per upstream chunk: frames of one mode are all strings or all raw bytes. */
  const writeAll = async (parts: (Uint8Array | string)[]): Promise<void> => {
    if (parts.length === 0) return;
    if (parts.length === 1) return write(parts[0]);
    return write(typeof parts[0] === 'string' ? parts.join('') : Buffer.concat(parts as Uint8Array[]));
  };

  /** Observes and converts one batch of events; returns a failure only before the commit. */
  const convert = (events: SseEvent[], out: (Uint8Array | string)[]): UpstreamFailure | undefined => {
    for (const ev of events) {
      const obs = o.observer.observe(ev);
      if (obs.error) {
        if (!committed) return obs.error;
        upstreamErrored = true;
      }
      if (obs.meaningful) meaningful = true;
      if (obs.done) done = true;
      if (o.translator) {
        for (const frame of o.translator.push(ev)) out.push(frame);
      } else if (o.rewrite && !obs.drop) {
        out.push(serializeSse(ev));
      }
    }
    return undefined;
  };

  try {
    for await (const chunk of o.body) {
      let out: (Uint8Array | string)[] = [];
      const failure = convert(parser.push(chunk), out);
      if (failure) {
        o.body.destroy?.();
        return { kind: 'failed', failure };
      }
      if (passRaw) out.push(chunk);
      if (!committed) {
        for (const w of out) pending.push(w);
        if (!meaningful) continue;
        o.commit();
        committed = true;
        out = pending;
        pending = [];
      }
      await writeAll(out);
      if (o.res.destroyed) return { kind: 'relayed', complete: done, error: done ? undefined : 'client closed the stream' };
    }
    const out: (Uint8Array | string)[] = [];
    convert(parser.flush(), out);
    if (o.translator) for (const frame of o.translator.end()) out.push(frame);
    if (!committed) {
      return { kind: 'failed', failure: { failureClass: 'transient', message: 'upstream stream ended before any content' } };
    }
    await writeAll(out);
    if (!done && !upstreamErrored) {
      await write(streamErrorFrame(o.clientSurface, 'upstream_failed', 'The upstream stream ended before the answer was complete.'));
      return { kind: 'relayed', complete: false, error: 'upstream stream ended early' };
    }
    if (upstreamErrored) return { kind: 'relayed', complete: false, error: 'upstream sent an error frame mid-stream' };
    return { kind: 'relayed', complete: true };
  } catch (err) {
    if (!committed) throw err;
    // The total timeout also caps a stream already under way: say so rather than blame the connection.
    const timedOut = err instanceof UpstreamTimeoutError;
    if (!o.res.destroyed) {
      const frame = timedOut
        ? streamErrorFrame(o.clientSurface, err.code, err.message, err.status)
        : streamErrorFrame(o.clientSurface, 'upstream_failed', 'The upstream connection failed during the stream.');
      await write(frame).catch(() => undefined);
    }
    return { kind: 'relayed', complete: false, error: err instanceof Error ? err.message : 'stream failed', timedOut };
  }
}
