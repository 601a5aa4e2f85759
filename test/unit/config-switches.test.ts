import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';

/** On/off settings read the same words everywhere, so an operator's `1` or `off` means what it says. */
describe('on/off settings', () => {
  it('GRAPHQL_INTROSPECTION takes the words every switch takes, and defaults by NODE_ENV', () => {
    for (const on of ['1', 'true', 'yes', 'on']) expect(loadConfig({ GRAPHQL_INTROSPECTION: on, NODE_ENV: 'production' }).graphqlIntrospection).toBe(true);
    for (const off of ['0', 'false', 'no', 'off']) expect(loadConfig({ GRAPHQL_INTROSPECTION: off }).graphqlIntrospection).toBe(false);
    expect(loadConfig({}).graphqlIntrospection).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).graphqlIntrospection).toBe(false);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(/GRAPHQL_INTROSPECTION/);
  });
});
