import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { adapterFor } from '../../server/src/gateway/adapters/index.js';
import { lastEventEnd, relayStream } from '../../server/src/gateway/relay-stream.js';

const frames = [
  'data: {"id":"c1","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n',
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n',
  'data: {"id":"c1","choices":[{"index":0,"delta":{"content":"lo"}}]}\n\n',
  'data: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n',
  'data: {"id":"c1","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}\n\n',
  'data: [DONE]\n\n',
];
const whole = frames.join('');

function fakeResponse() {
  const written: string[] = [];
  const res = {
    destroyed: false,
    write(data: Uint8Array | string) {
      written.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
      return true;
    },
    on() {
      return res;
    },
    off() {
      return res;
    },
  };
  return { res: res as unknown as ServerResponse, text: () => written.join(''), writes: written };
}

function chunks(parts: string[]): Readable {
  return Readable.from(parts.map((p) => Buffer.from(p, 'utf8')));
}

/** Splits the stream at every given offset. */
function split(text: string, cuts: number[]): string[] {
  const out: string[] = [];
  let last = 0;
  for (const c of [...cuts, text.length]) {
    out.push(text.slice(last, c));
    last = c;
  }
  return out.filter((p) => p.length > 0);
}

async function relay(parts: string[], rewrite: boolean) {
  const { res, text } = fakeResponse();
  const observer = adapterFor('chat').observeStream({ hideUsageChunk: rewrite });
  let commits = 0;
  const outcome = await relayStream({
    body: chunks(parts),
    observer,
    translator: undefined,
    rewrite,
    res,
    clientSurface: 'chat',
    commit: () => commits++,
  });
  return { outcome, text: text(), commits, usage: observer.usage() };
}

describe('relayStream', () => {
  it('passes bytes through untouched when nothing is dropped', async () => {
    const r = await relay(split(whole, [10, 75, 200]), false);
    expect(r.text).toBe(whole);
    expect(r.outcome).toEqual({ kind: 'relayed', complete: true });
    expect(r.commits).toBe(1);
  });

  it('cuts out only the usage frame the client did not ask for, wherever the chunks split', async () => {
    const expected = frames.filter((f) => !f.includes('"usage"')).join('');
    const usageStart = whole.indexOf('data: {"id":"c1","choices":[],"usage"');
    for (const cuts of [[], [usageStart + 5], [usageStart - 3, usageStart + 40], [1, 2, 3, whole.length - 4]]) {
      const r = await relay(split(whole, cuts), true);
      expect(r.text).toBe(expected);
      expect(r.usage).toEqual({ inputTokens: 7, outputTokens: 2 });
      expect(r.outcome).toMatchObject({ kind: 'relayed', complete: true });
    }
  });

  it('cuts at every event end whatever the chunk size, LF and CRLF alike (terminators straddling chunks of 1–3 bytes)', async () => {
    for (const eol of ['\n', '\r\n']) {
      const framed = frames.map((f) => f.replaceAll('\n', eol));
      const text = framed.join('');
      const expected = framed.filter((f) => !f.includes('"usage"')).join('');
      for (const size of [1, 2, 3, 5, 64]) {
        const parts = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));
        const r = await relay(parts, true);
        // Events written again around a dropped one end in LF (the same events to any SSE client).
        expect(r.text.replaceAll('\r\n', '\n'), `${JSON.stringify(eol)} in chunks of ${size}`).toBe(expected.replaceAll('\r\n', '\n'));
        expect(r.usage).toEqual({ inputTokens: 7, outputTokens: 2 });
      }
    }
  });

  it('pauses the upstream while the client socket is full and resumes on drain', async () => {
    const written: string[] = [];
    const res = Object.assign(new EventEmitter(), {
      destroyed: false,
      write(data: Uint8Array | string) {
        written.push(typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
        // Every other write fills the socket; it drains a little later.
        if (written.length % 2 === 0) return true;
        setTimeout(() => res.emit('drain'), 5);
        return false;
      },
    });
    const body = chunks(frames);
    const pause = vi.spyOn(body, 'pause');
    const outcome = await relayStream({
      body,
      observer: adapterFor('chat').observeStream({ hideUsageChunk: false }),
      translator: undefined,
      rewrite: false,
      res: res as unknown as ServerResponse,
      clientSurface: 'chat',
      commit: () => undefined,
    });
    expect(outcome).toEqual({ kind: 'relayed', complete: true });
    expect(written.join('')).toBe(whole);
    expect(pause).toHaveBeenCalled();
    expect(res.listenerCount('drain')).toBe(0);
  });

  it('ends a stream cut short with one error frame and no [DONE]', async () => {
    const r = await relay([frames[0], frames[1]], true);
    expect(r.outcome).toMatchObject({ kind: 'relayed', complete: false });
    expect(r.text).not.toContain('[DONE]');
    expect(r.text.match(/"error"/g)).toHaveLength(1);
  });

  it('fails over (writes nothing) when the first frame is an error', async () => {
    const r = await relay(['data: {"error":{"message":"overloaded","type":"server_error"}}\n\n'], true);
    expect(r.outcome.kind).toBe('failed');
    expect(r.text).toBe('');
    expect(r.commits).toBe(0);
  });
});

describe('lastEventEnd', () => {
  it('finds the end of the last complete event for LF, CRLF and CR streams', () => {
    expect(lastEventEnd(Buffer.from('data: a\n\ndata: b'))).toBe(9);
    expect(lastEventEnd(Buffer.from('data: a\r\n\r\ndata: b\r\n\r\n'))).toBe(22);
    expect(lastEventEnd(Buffer.from('data: a\r\rdata'))).toBe(9);
    expect(lastEventEnd(Buffer.from('data: a\n'))).toBe(0);
  });
});
