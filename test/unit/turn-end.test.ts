import { describe, expect, it } from 'vitest';
import { atTurnEnd } from '../../server/src/gateway/turn-end.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('atTurnEnd', () => {
  it('holds jobs past the current callbacks and their microtasks, then runs them together in order', async () => {
    const ran: string[] = [];
    const note = (list: string[], name: string) => list.push(name);
    atTurnEnd(note, ran, 'first');
    atTurnEnd(note, ran, 'second');
    await Promise.resolve();
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(ran).toEqual([]);
    await nextTurn();
    expect(ran).toEqual(['first', 'second']);
  });

  it('runs a job queued by a running job in the next turn, not in the batch being run', async () => {
    const ran: string[] = [];
    const note = (list: string[], name: string) => list.push(name);
    atTurnEnd(
      (list: string[], name: string) => {
        list.push(name);
        atTurnEnd(note, list, 'queued by first');
      },
      ran,
      'first',
    );
    atTurnEnd(note, ran, 'second');
    await nextTurn();
    expect(ran).toEqual(['first', 'second']);
    await nextTurn();
    expect(ran).toEqual(['first', 'second', 'queued by first']);
  });
});
