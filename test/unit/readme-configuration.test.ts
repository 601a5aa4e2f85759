import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_PROVIDERS } from '../../server/src/catalog/providers.js';
import { CONFIG_VARIABLES } from '../../server/src/config.js';

/**
 * The README's Configuration section is where an operator looks up a variable: every one the
 * server reads is named there, and the section names none the server does not read.
 */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('\n## Configuration'), readme.indexOf('\n### Extending the model catalog'));
/** Read outside the schema in config.ts (loadConfig). */
const READ_DIRECTLY = ['MANAGED_OPENAI_API_KEY', 'MANAGED_ANTHROPIC_API_KEY', 'PROVIDER_BASE_URL_<ID>'];

describe('README configuration table', () => {
  it('names every variable the server reads', () => {
    const missing = [...CONFIG_VARIABLES, ...READ_DIRECTLY].filter((name) => !new RegExp(`\`${name.replace(/[<>]/g, '\\$&')}[\`=]`).test(section));
    expect(missing).toEqual([]);
  });

  it('names no variable the server does not read', () => {
    const known = new Set([...CONFIG_VARIABLES, ...READ_DIRECTLY]);
    // Variables documented elsewhere in the README as outside the table's scope (Performance).
    const named = [...section.matchAll(/^\| `([A-Z][A-Z0-9_<>]*)`(?:, `([A-Z][A-Z0-9_]*)`)?/gm)].flatMap((m) => [m[1], m[2]]).filter(Boolean);
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((name) => !known.has(name))).toEqual([]);
  });

  it('spells PROVIDER_BASE_URL_<ID> as the server reads it', () => {
    const example = /`PROVIDER_BASE_URL_([A-Z_]+)`\)/.exec(section)?.[1];
    const ids = BUILT_IN_PROVIDERS.map((p) => p.id.toUpperCase().replace(/[.-]/g, '_'));
    expect(ids).toContain(example);
  });
});
