import { createHook } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { createMetrics } from '../../server/src/metrics.js';
import type { UsageDb, UsageTx } from '../../server/src/services/usage/usage-db.js';
import type { UsageRecord } from '../../server/src/services/usage/usage-record.js';
import { UsageWriter } from '../../server/src/services/usage/usage-writer.js';
import { storableJsonText } from '../../server/src/services/usage/usage-record.js';
import { USAGE_ROW_COLUMNS } from '../../server/src/services/usage/pending-usage.js';

const REQUEST_ID = USAGE_ROW_COLUMNS.findIndex(([c]) => c === 'request_id');
const MODEL = USAGE_ROW_COLUMNS.findIndex(([c]) => c === 'model');

/** A database that refuses any statement carrying a record with `bad` in its model; `down` fails everything. */
function fakeDb() {
  const events: string[] = [];
  const parked: string[] = [];
  /** Accounts whose summed requests (USAGE_EVENTS) landed, once per batch. */
  const summed: string[] = [];
  const state = { down: false };
  const db: UsageDb = {
    async transaction(work) {
      if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const pending: string[] = [];
      const tx: UsageTx = {
        async query<R>(text: string, values: readonly unknown[]): Promise<R[]> {
          if (text.includes('"usage_dead_letter"')) {
            parked.push(`${String(values[1]).split(':')[0]}:${String(values[2])}`);
            return [{ id: 'x' }] as R[];
          }
          if (text.includes('"usage_sum_batch"')) {
            // Sums travel as JSON rollup rows: account, hour, key, status… (usage-sums.ts).
            const rows = JSON.parse(String(values[0])) as string[][];
            if (rows.some((r) => r[4].startsWith('bad'))) throw Object.assign(new Error('value out of range'), { code: '22003' });
            pending.push(...new Set(rows.map((r) => `sums:${r[0]}`)));
            return [{ claimed: 1 }] as R[];
          }
          if (!text.includes('insert into "usage_event"')) return [];
          // The events travel as one JSON array of rows, each an array in USAGE_ROW_COLUMNS order,
          // in jsonb's binary format: a version byte (1), then the text.
          const batch = values[0] as Buffer;
          expect(batch[0]).toBe(1);
          const rows = (JSON.parse(batch.toString('utf8', 1)) as unknown[][]).map((r) => ({ request_id: String(r[REQUEST_ID]), model: String(r[MODEL]) }));
          if (rows.some((r) => r.model.startsWith('bad'))) {
            throw Object.assign(new Error('value out of range'), { code: '22003' });
          }
          pending.push(...rows.map((r) => r.request_id));
          return [{ inserted: rows.length, fresh: null }] as R[];
        },
        async applyCharges() {},
      };
      const result = await work(tx);
      for (const e of pending) (e.startsWith('sums:') ? summed : events).push(e);
      return result;
    },
    async probe() {
      if (state.down) throw new Error('down');
    },
  };
  return { db, events, parked, summed, state };
}

const rec = (id: string, model = 'm'): UsageRecord => ({
  requestId: id, accountId: 'a', accessKeyId: 'k', endpoint: '/v1/chat/completions', provider: 'openai', model, status: 200,
  streamed: false, inputTokens: 1, outputTokens: 1, tokensEstimated: false, latencyMs: 1, keySource: 'user', providerKeyId: null,
  feeNano: 0n, upstreamCostNano: 0n, totalCostNano: 0n, errorCode: null, attempts: [], createdAt: new Date(),
});

describe('UsageWriter', () => {
  it('splits a refused batch down to the refused record and parks only that one', async () => {
    const f = fakeDb();
    const writer = new UsageWriter({ db: f.db, logger: pino({ level: 'silent' }), metrics: createMetrics(), batchSize: 16 });
    const ids = Array.from({ length: 40 }, (_, i) => `r${i}`);
    ids.forEach((id, i) => writer.record(rec(id, i === 7 || i === 33 ? 'bad' : 'm')));
    await writer.flush();
    expect(f.parked.sort()).toEqual(['r33:a', 'r7:a']);
    expect(f.events.sort()).toEqual(ids.filter((id) => id !== 'r7' && id !== 'r33').sort());
    expect(writer.pending).toBe(0);
  });

  it('parks nothing and keeps the queue while the database is unreachable', async () => {
    const f = fakeDb();
    const writer = new UsageWriter({ db: f.db, logger: pino({ level: 'silent' }), metrics: createMetrics() });
    f.state.down = true;
    writer.record(rec('r1'));
    writer.record(rec('r2', 'bad'));
    await expect(writer.flush()).rejects.toThrow(/ECONNREFUSED/);
    expect(writer.pending).toBe(2);
    expect(f.parked).toEqual([]);
    f.state.down = false;
    await writer.flush();
    expect(f.events).toEqual(['r1']);
    expect(f.parked).toEqual(['r2:a']);
  });

  it('keeps no waiter per record while a drain is running (sustained load never empties the queue)', async () => {
    const f = fakeDb();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const db: UsageDb = { ...f.db, transaction: async (work) => (await gate, f.db.transaction(work)) };
    const writer = new UsageWriter({ db, logger: pino({ level: 'silent' }), metrics: createMetrics(), batchSize: 10 });
    for (let i = 0; i < 10; i++) writer.record(rec(`r${i}`));
    // The drain is now held at its first batch; everything recorded meanwhile is the drain's to take.
    let promises = 0;
    const hook = createHook({ init: (_id, type) => void (type === 'PROMISE' && promises++) });
    hook.enable();
    for (let i = 10; i < 5_000; i++) writer.record(rec(`r${i}`));
    hook.disable();
    // Each record() used to start a flush() parked on the running drain: an async frame per event
    // that lived as long as the drain, i.e. for ever under sustained load (the 6.8 M-event OOM).
    expect(promises).toBe(0);
    open();
    await writer.flush();
    expect(f.events).toHaveLength(5_000);
    expect(writer.pending).toBe(0);
  });

  it('leaves a partial batch for the timer instead of writing whatever arrived during the last transaction', async () => {
    const f = fakeDb();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let transactions = 0;
    const db: UsageDb = { ...f.db, transaction: async (work) => (transactions++, await gate, f.db.transaction(work)) };
    const writer = new UsageWriter({ db, logger: pino({ level: 'silent' }), metrics: createMetrics(), batchSize: 10 });
    for (let i = 0; i < 10; i++) writer.record(rec(`r${i}`));
    // Three more arrive while the first batch's transaction is under way.
    for (let i = 10; i < 13; i++) writer.record(rec(`r${i}`));
    open();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // One transaction per 3 events here would be one per 5-30 events under load (see drain()).
    expect(transactions).toBe(1);
    expect(writer.pending).toBe(3);
    await writer.flush();
    expect(transactions).toBe(2);
    expect(f.events).toHaveLength(13);
  });
});

describe('UsageWriter summing requests without events', () => {
  const inAccount = (accountId: string, id: string, model = 'm', status = 200, errorCode: string | null = null): UsageRecord => ({
    ...rec(id, model),
    accountId,
    status,
    errorCode,
  });

  it('writes sums on the timer or a flush, not per record, and stores only failures with USAGE_EVENTS=errors', async () => {
    const f = fakeDb();
    const writer = new UsageWriter({ db: f.db, logger: pino({ level: 'silent' }), metrics: createMetrics(), batchSize: 4, storage: 'errors' });
    // r3 failed with a status, r6 midway through its stream (its 200 was sent already).
    for (let i = 0; i < 10; i++) writer.record(inAccount('a', `r${i}`, 'm', i === 3 ? 502 : 200, i === 3 ? 'upstream_error' : i === 6 ? 'upstream_stream_error' : null));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(f.summed).toEqual([]);
    expect(writer.pending).toBe(10);
    await writer.flush();
    expect(f.events).toEqual(['r3', 'r6']);
    expect(f.summed).toEqual(['sums:a']);
    expect(writer.pending).toBe(0);
  });

  it('splits refused sums by account and parks only the account refused', async () => {
    const f = fakeDb();
    const writer = new UsageWriter({ db: f.db, logger: pino({ level: 'silent' }), metrics: createMetrics(), storage: 'off' });
    for (const account of ['a', 'b', 'c']) for (let i = 0; i < 5; i++) writer.record(inAccount(account, `${account}${i}`, account === 'b' && i === 2 ? 'bad' : 'm'));
    await writer.flush();
    expect(f.summed.sort()).toEqual(['sums:a', 'sums:c']);
    expect(f.parked).toEqual(['sums:b']);
    expect(f.events).toEqual([]);
    expect(writer.pending).toBe(0);
  });

  it('counts a request with an invalid time now rather than failing every later batch on it', async () => {
    const f = fakeDb();
    const writer = new UsageWriter({ db: f.db, logger: pino({ level: 'silent' }), metrics: createMetrics(), storage: 'off' });
    writer.record({ ...inAccount('a', 'r1'), createdAt: new Date(Number.NaN) });
    await writer.flush();
    writer.record(inAccount('b', 'r2'));
    await writer.flush();
    expect(f.summed).toEqual(['sums:a', 'sums:b']);
    expect(f.parked).toEqual([]);
  });

  it('keeps sums while the database is unreachable and writes them once it answers', async () => {
    const f = fakeDb();
    const writer = new UsageWriter({ db: f.db, logger: pino({ level: 'silent' }), metrics: createMetrics(), storage: 'off' });
    f.state.down = true;
    writer.record(inAccount('a', 'r1'));
    await expect(writer.flush()).rejects.toThrow(/ECONNREFUSED/);
    writer.record(inAccount('b', 'r2'));
    expect(writer.pending).toBe(2);
    f.state.down = false;
    await writer.flush();
    expect(f.summed.sort()).toEqual(['sums:a', 'sums:b']);
    expect(f.parked).toEqual([]);
    expect(writer.pending).toBe(0);
  });
});

describe('storableJsonText', () => {
  it('replaces every U+0000 in JSON strings (PostgreSQL json refuses it) and leaves escaped text alone', () => {
    const value = { a: 'x\u0000y', b: ['\u0000', '\\u0000 is text', '\\\u0000'], c: 'plain' };
    const out = JSON.parse(storableJsonText(JSON.stringify(value))) as typeof value;
    expect(out).toEqual({ a: 'x\ufffdy', b: ['\ufffd', '\\u0000 is text', '\\\ufffd'], c: 'plain' });
    // Lone surrogates (JSON.stringify escapes them; jsonb refuses them) too; pairs and escaped text stay.
    const surrogates = { a: 'x\ud800y', b: '\udc00', c: '\ud83d\ude00', d: '\\ud800 is text', e: '\\\ud800' };
    expect(JSON.parse(storableJsonText(JSON.stringify(surrogates)))).toEqual({ a: 'x\ufffdy', b: '\ufffd', c: '\ud83d\ude00', d: '\\ud800 is text', e: '\\\ufffd' });
    const clean = JSON.stringify({ a: 'nothing to do' });
    expect(storableJsonText(clean)).toBe(clean);
  });
});
