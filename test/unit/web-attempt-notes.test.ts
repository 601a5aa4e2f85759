import { describe, expect, it } from 'vitest';
import { attemptNotes } from '../../web/src/pages/usage/attempt-notes.js';

const user = (model: string, id = 'pk_1') => ({ provider: model.split(':')[0], model: model.split(':')[1], keySource: 'user', providerKeyId: id });
const gateway = (model: string) => ({ provider: model.split(':')[0], model: model.split(':')[1], keySource: 'gateway', providerKeyId: null });

describe('attempt trace notes', () => {
  it('explains gateway credentials and fallback models in the normal order', () => {
    const notes = attemptNotes([user('openai:gpt-4o-mini'), gateway('openai:gpt-4o-mini'), user('anthropic:claude-sonnet-4-5', 'pk_3')]);
    expect(notes[0]).toBeNull();
    expect(notes[1]).toMatch(/gateway's own credentials/);
    expect(notes[2]).toMatch(/^Fallback model: tried after every credential for openai:gpt-4o-mini failed/);
  });

  it('names a key that was deferred past the gateway credentials as cooling down', () => {
    const notes = attemptNotes([gateway('openai:gpt-4o-mini'), user('openai:gpt-4o-mini')]);
    expect(notes[1]).toMatch(/^Tried after the gateway credentials: this key was cooling down/);
  });

  it('names a key of the first model tried after a fallback model as cooling down', () => {
    const notes = attemptNotes([user('anthropic:claude-sonnet-4-5', 'pk_3'), user('openai:gpt-4o-mini')]);
    // The first attempt defines the requested model here, so the second is a fallback, not a deferral.
    expect(notes[1]).toMatch(/^Fallback model/);
    const deferred = attemptNotes([user('openai:gpt-4o-mini', 'pk_1'), user('anthropic:claude-sonnet-4-5', 'pk_3'), user('openai:gpt-4o-mini', 'pk_2')]);
    expect(deferred[2]).toMatch(/^Tried after a later model: this key was cooling down/);
  });
});
