import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_MODELS, BUILT_IN_PROVIDERS } from '../../server/src/catalog/index.js';
import type { ChangeEvent } from '../../server/src/services/change-events.js';
import { gqlErr, gqlOk, signUpAccount } from '../support/graphql.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

const PROVIDER_FIELDS = `id name builtIn apiFormat baseUrl needsProviderKey gatewayCredentials docsUrl
  models { id provider qualifiedId displayName contextWindow maxOutputTokens inputPriceUsdPerMTok outputPriceUsdPerMTok cachedInputPriceUsdPerMTok inputModalities outputModalities kind }`;
const PROVIDERS = `{ providers { ${PROVIDER_FIELDS} } }`;
const CREATE = `mutation($input: CustomProviderInput!) { createCustomProvider(input: $input) { ${PROVIDER_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: CustomProviderInput!) { updateCustomProvider(id: $id, input: $input) { ${PROVIDER_FIELDS} } }`;
const DELETE = 'mutation($id: ID!) { deleteCustomProvider(id: $id) }';
const CREATE_PK = 'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }';
const DELETE_PK = 'mutation($id: ID!) { deleteProviderKey(id: $id) }';
const CREATE_CONFIG = 'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }';
const DELETE_CONFIG = 'mutation($id: ID!) { deleteAccessKeyConfiguration(id: $id) }';
const CREATE_VM = 'mutation($input: VirtualModelInput!) { createVirtualModel(input: $input) { id } }';
const DELETE_VM = 'mutation($id: ID!) { deleteVirtualModel(id: $id) }';
const AUDIT = 'query($filter: AuditFilter) { auditEvents(filter: $filter, first: 100) { nodes { action targetId } } }';

interface Model {
  id: string;
  provider: string;
  qualifiedId: string;
  displayName: string | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  inputPriceUsdPerMTok: string | null;
  outputPriceUsdPerMTok: string | null;
  cachedInputPriceUsdPerMTok: string | null;
  inputModalities: string[] | null;
  outputModalities: string[] | null;
  kind: 'CHAT' | 'EMBEDDING' | null;
}
interface Provider {
  id: string;
  name: string;
  builtIn: boolean;
  apiFormat: 'OPENAI' | 'ANTHROPIC';
  baseUrl: string;
  needsProviderKey: boolean;
  gatewayCredentials: boolean;
  docsUrl: string | null;
  models: Model[];
}

const input = (overrides: Record<string, unknown> = {}) => ({
  providerId: 'my-llm',
  name: 'My LLM',
  baseUrl: 'https://llm.example.com/v1',
  apiFormat: 'OPENAI',
  models: ['model-a', 'model-b'],
  ...overrides,
});

describe('GraphQL providers and custom providers', () => {
  let server: TestServer;
  let url: string;
  let token: string;
  let accountId: string;
  const events: ChangeEvent[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      PROVIDER_BASE_URL_OPENAI: 'http://127.0.0.1:9100/v1/',
      MANAGED_OPENAI_API_KEY: 'sk-operator-managed',
    });
    url = server.url;
    ({ token, accountId } = await signUpAccount(url));
    server.services.events.subscribe((e) => events.push(e));
  });
  afterAll(async () => server?.stop());

  const providers = async (as = token) => (await gqlOk<{ providers: Provider[] }>(url, PROVIDERS, {}, as)).providers;

  describe('providers', () => {
    it('lists every built-in provider in catalog order with catalog base URLs (never the operator override, audit LOW) and catalog models', async () => {
      const list = await providers();
      expect(list.map((p) => p.id)).toEqual(BUILT_IN_PROVIDERS.map((p) => p.id));
      const openai = list.find((p) => p.id === 'openai')!;
      expect(openai).toMatchObject({
        name: 'OpenAI',
        builtIn: true,
        apiFormat: 'OPENAI',
        baseUrl: 'https://api.openai.com/v1',
        needsProviderKey: false,
        gatewayCredentials: true,
      });
      const anthropic = list.find((p) => p.id === 'anthropic')!;
      // No MANAGED_ANTHROPIC_API_KEY here: callers need their own key.
      expect(anthropic).toMatchObject({
        apiFormat: 'ANTHROPIC',
        baseUrl: 'https://api.anthropic.com/v1',
        needsProviderKey: true,
        gatewayCredentials: false,
      });
      expect(list.find((p) => p.id === 'groq')).toMatchObject({ needsProviderKey: true, gatewayCredentials: false });

      const total = list.reduce((n, p) => n + p.models.length, 0);
      expect(total).toBe(BUILT_IN_MODELS.length);
      const gpt4o = openai.models.find((m) => m.id === 'gpt-4o')!;
      const spec = BUILT_IN_MODELS.find((m) => m.provider === 'openai' && m.id === 'gpt-4o')!;
      expect(gpt4o).toEqual({
        id: 'gpt-4o',
        provider: 'openai',
        qualifiedId: 'openai:gpt-4o',
        displayName: spec.displayName,
        contextWindow: spec.contextWindow,
        maxOutputTokens: spec.maxOutputTokens,
        inputPriceUsdPerMTok: spec.inputPriceUsdPerMTok,
        outputPriceUsdPerMTok: spec.outputPriceUsdPerMTok,
        // gpt-4o reads its prompt cache at half the input price.
        cachedInputPriceUsdPerMTok: '1.25',
        inputModalities: spec.modalities.input,
        outputModalities: spec.modalities.output,
        kind: 'CHAT',
      });
      expect(list.find((p) => p.id === 'anthropic')!.models.find((m) => m.id === 'claude-haiku-4-5')).toMatchObject({ inputPriceUsdPerMTok: '1.00', cachedInputPriceUsdPerMTok: '0.10' });
      expect(openai.models.find((m) => m.id === 'text-embedding-3-small')).toMatchObject({ cachedInputPriceUsdPerMTok: null });
      expect(openai.models.find((m) => m.id === 'text-embedding-3-small')).toMatchObject({ kind: 'EMBEDDING', maxOutputTokens: 0, outputPriceUsdPerMTok: '0', inputPriceUsdPerMTok: '0.02' });
      for (const m of list.flatMap((p) => p.models)) {
        // Unpriced catalog models (no authoritative list price) have both prices null.
        if (m.inputPriceUsdPerMTok === null) expect(m.outputPriceUsdPerMTok).toBeNull();
        else expect([m.inputPriceUsdPerMTok, m.outputPriceUsdPerMTok]).toEqual([expect.stringMatching(/^\d+(\.\d+)?$/), expect.stringMatching(/^\d+(\.\d+)?$/)]);
      }
    });

    it('adds the account\'s own custom providers (and only those) after the built-ins', async () => {
      const other = await signUpAccount(url);
      await gqlOk(url, CREATE, { input: input({ providerId: 'zeta', models: ['Z-1'] }) }, other.token);
      const mine = await providers();
      expect(mine.some((p) => p.id === 'zeta')).toBe(false);
      const theirs = await providers(other.token);
      expect(theirs.at(-1)).toEqual({
        id: 'zeta',
        name: 'My LLM',
        builtIn: false,
        apiFormat: 'OPENAI',
        baseUrl: 'https://llm.example.com/v1',
        needsProviderKey: false,
        gatewayCredentials: false,
        docsUrl: null,
        models: [
          {
            id: 'Z-1',
            provider: 'zeta',
            qualifiedId: 'zeta:Z-1',
            displayName: null,
            contextWindow: null,
            maxOutputTokens: null,
            inputPriceUsdPerMTok: null,
            outputPriceUsdPerMTok: null,
            cachedInputPriceUsdPerMTok: null,
            inputModalities: null,
            outputModalities: null,
            kind: null,
          },
        ],
      });
    });

    it('requires authentication', async () => {
      expect((await gqlErr(url, PROVIDERS)).code).toBe('UNAUTHENTICATED');
    });
  });

  describe('createCustomProvider', () => {
    it('creates a provider, normalising the base URL, and publishes a change', async () => {
      events.length = 0;
      const { createCustomProvider: p } = await gqlOk<{ createCustomProvider: Provider }>(
        url,
        CREATE,
        {
          input: input({
            providerId: 'ollama',
            name: ' Ollama ',
            baseUrl: ' HTTP://LocalHost:11434/v1/// ',
            apiFormat: 'ANTHROPIC',
            models: [' llama3.1:8b ', 'qwen3:4b'],
          }),
        },
        token,
      );
      expect(p).toMatchObject({
        id: 'ollama',
        name: 'Ollama',
        builtIn: false,
        apiFormat: 'ANTHROPIC',
        baseUrl: 'http://localhost:11434/v1',
        needsProviderKey: false,
      });
      expect(p.models.map((m) => m.qualifiedId)).toEqual(['ollama:llama3.1:8b', 'ollama:qwen3:4b']);
      expect(events).toEqual([{ kind: 'customProvider', accountId }]);
      expect((await providers()).find((x) => x.id === 'ollama')?.baseUrl).toBe('http://localhost:11434/v1');
    });

    it('keeps a query string on the base URL', async () => {
      const { createCustomProvider: p } = await gqlOk<{ createCustomProvider: Provider }>(
        url,
        CREATE,
        { input: input({ providerId: 'azure-ish', baseUrl: 'https://x.example.com/openai/v1/?api-version=2025-01-01' }) },
        token,
      );
      expect(p.baseUrl).toBe('https://x.example.com/openai/v1?api-version=2025-01-01');
    });

    it('rejects a built-in provider id with CONFLICT', async () => {
      const err = await gqlErr(url, CREATE, { input: input({ providerId: 'openai' }) }, token);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/"openai" is a built-in provider/);
    });

    it('rejects a duplicate id in the same account with CONFLICT, but another account may use it', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'dup' }) }, token);
      const err = await gqlErr(url, CREATE, { input: input({ providerId: 'dup' }) }, token);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/already exists/);
      const other = await signUpAccount(url);
      await gqlOk(url, CREATE, { input: input({ providerId: 'dup' }) }, other.token);
    });

    it.each([
      ['an upper-case id', { providerId: 'MyLLM' }, /providerId: must be lower-case/],
      ['an id with a colon', { providerId: 'a:b' }, /providerId/],
      ['an empty id', { providerId: '' }, /providerId/],
      ['an id over 64 characters', { providerId: 'a'.repeat(65) }, /providerId: must be at most 64/],
      ['an empty name', { name: ' ' }, /name: must not be empty/],
      ['a non-http URL', { baseUrl: 'ftp://example.com/v1' }, /baseUrl: must be an http or https URL/],
      ['a file URL', { baseUrl: 'file:///etc/passwd' }, /baseUrl: must be an http or https URL/],
      ['a relative URL', { baseUrl: '/v1' }, /baseUrl: is not a valid URL/],
      ['credentials in the URL', { baseUrl: 'https://user:pass@example.com/v1' }, /baseUrl: must not contain credentials/],
      ['a user name in the URL', { baseUrl: 'https://user@example.com/v1' }, /baseUrl: must not contain credentials/],
      ['a fragment', { baseUrl: 'https://example.com/v1#x' }, /baseUrl: must not contain a fragment/],
      ['a URL over 2048 characters', { baseUrl: `https://example.com/${'a'.repeat(2040)}` }, /baseUrl: must be at most 2048/],
      ['no models', { models: [] }, /models: must declare at least one model/],
      ['more than 500 models', { models: Array.from({ length: 501 }, (_, i) => `m${i}`) }, /models: must declare at most 500/],
      ['an empty model id', { models: ['ok', ' '] }, /models\[1\]: must not be empty/],
      ['a model id over 256 characters', { models: ['m'.repeat(257)] }, /models\[0\]: must be at most 256/],
      ['duplicate models (case-insensitive)', { models: ['Model-A', 'model-a'] }, /models\[1\]: duplicate model/],
    ])('rejects %s with BAD_USER_INPUT', async (_label, overrides, message) => {
      const err = await gqlErr(url, CREATE, { input: input({ providerId: 'invalid-case', ...overrides }) }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
      expect(err.message).toMatch(message);
    });

    it('rejects an unknown apiFormat as a GraphQL input error', async () => {
      const err = await gqlErr(url, CREATE, { input: input({ providerId: 'fmt', apiFormat: 'GEMINI' }) }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
    });

    it('accepts exactly 500 models', async () => {
      const models = Array.from({ length: 500 }, (_, i) => `m${i}`);
      const { createCustomProvider: p } = await gqlOk<{ createCustomProvider: Provider }>(
        url,
        CREATE,
        { input: input({ providerId: 'many', models }) },
        token,
      );
      expect(p.models).toHaveLength(500);
    });
  });

  describe('updateCustomProvider', () => {
    it('replaces name, URL, format and models, and publishes a change', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'upd' }) }, token);
      events.length = 0;
      const { updateCustomProvider: p } = await gqlOk<{ updateCustomProvider: Provider }>(
        url,
        UPDATE,
        { id: 'upd', input: input({ providerId: 'upd', name: 'Renamed', baseUrl: 'http://10.1.2.3:8080/v1', apiFormat: 'ANTHROPIC', models: ['x'] }) },
        token,
      );
      expect(p).toMatchObject({ id: 'upd', name: 'Renamed', baseUrl: 'http://10.1.2.3:8080/v1', apiFormat: 'ANTHROPIC' });
      expect(p.models.map((m) => m.id)).toEqual(['x']);
      expect(events).toEqual([{ kind: 'customProvider', accountId }]);
    });

    it('renames the provider id while nothing references it', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'old-id' }) }, token);
      const { updateCustomProvider: p } = await gqlOk<{ updateCustomProvider: Provider }>(
        url,
        UPDATE,
        { id: 'old-id', input: input({ providerId: 'new-id' }) },
        token,
      );
      expect(p.id).toBe('new-id');
      const ids = (await providers()).map((x) => x.id);
      expect(ids).toContain('new-id');
      expect(ids).not.toContain('old-id');
      expect((await gqlErr(url, UPDATE, { id: 'old-id', input: input({ providerId: 'old-id' }) }, token)).code).toBe('NOT_FOUND');
    });

    it('refuses a rename while a provider key references it, a rename to a built-in or existing id', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'keyed' }) }, token);
      await gqlOk(url, CREATE, { input: input({ providerId: 'taken' }) }, token);
      await gqlOk(url, CREATE_PK, { input: { provider: 'keyed', name: 'k', key: 'sk-keyed-123' } }, token);
      const referenced = await gqlErr(url, UPDATE, { id: 'keyed', input: input({ providerId: 'keyed-2' }) }, token);
      expect(referenced.code).toBe('CONFLICT');
      expect(referenced.message).toMatch(/cannot be renamed while 1 provider key reference it/);
      // Other changes are still fine.
      await gqlOk(url, UPDATE, { id: 'keyed', input: input({ providerId: 'keyed', name: 'Still keyed' }) }, token);

      expect((await gqlErr(url, UPDATE, { id: 'taken', input: input({ providerId: 'anthropic' }) }, token)).code).toBe('CONFLICT');
      const dup = await gqlErr(url, UPDATE, { id: 'taken', input: input({ providerId: 'keyed' }) }, token);
      expect(dup.code).toBe('CONFLICT');
      expect(dup.message).toMatch(/already exists/);
    });

    it('refuses to drop a model a configuration allows', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'modelled', models: ['keep', 'drop'] }) }, token);
      await gqlOk(url, CREATE_CONFIG, { input: { name: 'allows drop', allowedModels: ['modelled:Drop'] } }, token);
      const err = await gqlErr(url, UPDATE, { id: 'modelled', input: input({ providerId: 'modelled', models: ['keep'] }) }, token);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/"modelled:Drop" is still allowed by configuration "allows drop"/);
      // Changing the case of a declared model keeps the reference valid.
      await gqlOk(url, UPDATE, { id: 'modelled', input: input({ providerId: 'modelled', models: ['keep', 'DROP'] }) }, token);
    });

    it('validates input like create', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'val' }) }, token);
      const err = await gqlErr(url, UPDATE, { id: 'val', input: input({ providerId: 'val', baseUrl: 'gopher://x' }) }, token);
      expect(err.code).toBe('BAD_USER_INPUT');
    });

    it.each([
      ['an unknown id', 'does-not-exist'],
      ['a built-in id', 'openai'],
      ['a malformed id', 'Not An Id'],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, UPDATE, { id, input: input({ providerId: 'whatever' }) }, token)).code).toBe('NOT_FOUND');
    });
  });

  describe('deleteCustomProvider', () => {
    it('is CONFLICT while provider keys or configurations reference it, then deletes', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'to-delete', models: ['m1'] }) }, token);
      const pk = (await gqlOk<{ createProviderKey: { id: string } }>(url, CREATE_PK, { input: { provider: 'to-delete', name: 'k', key: 'sk-del-123' } }, token))
        .createProviderKey.id;
      const configs: string[] = [];
      for (const cfg of [
        { name: 'by provider', allowedProviders: ['to-delete'] },
        { name: 'by model', allowedModels: ['to-delete:m1'] },
        { name: 'by routing', routing: [{ provider: 'to-delete', providerKeyIds: [pk] }] },
      ]) {
        configs.push((await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(url, CREATE_CONFIG, { input: cfg }, token)).createAccessKeyConfiguration.id);
      }

      const err = await gqlErr(url, DELETE, { id: 'to-delete' }, token);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(/1 provider key and 3 configurations \("by provider", "by model", "by routing"\)/);

      for (const id of configs) await gqlOk(url, DELETE_CONFIG, { id }, token);
      const keyOnly = await gqlErr(url, DELETE, { id: 'to-delete' }, token);
      expect(keyOnly.code).toBe('CONFLICT');
      expect(keyOnly.message).toMatch(/still referenced by 1 provider key;/);

      await gqlOk(url, DELETE_PK, { id: pk }, token);
      events.length = 0;
      expect(await gqlOk(url, DELETE, { id: 'to-delete' }, token)).toEqual({ deleteCustomProvider: true });
      expect(events).toEqual([{ kind: 'customProvider', accountId }]);
      expect((await providers()).some((p) => p.id === 'to-delete')).toBe(false);
      expect((await gqlErr(url, DELETE, { id: 'to-delete' }, token)).code).toBe('NOT_FOUND');
      // Its id is free again.
      await gqlOk(url, CREATE, { input: input({ providerId: 'to-delete' }) }, token);
    });

    // Regression: a virtual model targeting `provider:model` did not block the delete, leaving a
    // virtual model whose targets name a provider that no longer exists.
    it('is CONFLICT naming the virtual models that target it (also for a rename or a dropped model), nothing changes, then deletes', async () => {
      await gqlOk(url, CREATE, { input: input({ providerId: 'vm-target', models: ['m1', 'm2'] }) }, token);
      const vms: string[] = [];
      for (const vm of [
        { name: 'uses-vm-target', targets: [{ model: 'gpt-4o-mini' }, { model: 'vm-target:m1' }] },
        { name: 'also-uses', targets: [{ model: 'vm-target:M2' }] },
      ]) {
        vms.push((await gqlOk<{ createVirtualModel: { id: string } }>(url, CREATE_VM, { input: vm }, token)).createVirtualModel.id);
      }
      // A virtual model on another provider whose id merely starts the same way is no reference.
      await gqlOk(url, CREATE, { input: input({ providerId: 'vm-target-2', models: ['m1'] }) }, token);
      await gqlOk(url, CREATE_VM, { input: { name: 'unrelated', targets: [{ model: 'vm-target-2:m1' }] } }, token);
      const audited = async () =>
        (await gqlOk<{ auditEvents: { nodes: { action: string; targetId: string }[] } }>(url, AUDIT, { filter: { targetId: 'vm-target' } }, token))
          .auditEvents.nodes.map((n) => n.action);
      events.length = 0;

      const err = await gqlErr(url, DELETE, { id: 'vm-target' }, token);
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toBe(
        'Custom provider "vm-target" is still referenced by 2 virtual models ("also-uses", "uses-vm-target"); delete or change those first.',
      );
      const rename = await gqlErr(url, UPDATE, { id: 'vm-target', input: input({ providerId: 'vm-target-new', models: ['m1', 'm2'] }) }, token);
      expect(rename.code).toBe('CONFLICT');
      expect(rename.message).toMatch(/cannot be renamed while 2 virtual models \("also-uses", "uses-vm-target"\) reference it/);
      const drop = await gqlErr(url, UPDATE, { id: 'vm-target', input: input({ providerId: 'vm-target', models: ['m1'] }) }, token);
      expect(drop.code).toBe('CONFLICT');
      expect(drop.message).toMatch(/"vm-target:M2" is still a target of virtual model "also-uses"/);
      // Refusals change nothing: the provider stays, no audit entry, no /v1 cache invalidation.
      expect((await providers()).some((p) => p.id === 'vm-target')).toBe(true);
      expect(await audited()).toEqual(['customProvider.create']);
      expect(events).toEqual([]);

      for (const id of vms) await gqlOk(url, DELETE_VM, { id }, token);
      events.length = 0;
      expect(await gqlOk(url, DELETE, { id: 'vm-target' }, token)).toEqual({ deleteCustomProvider: true });
      expect(events).toEqual([{ kind: 'customProvider', accountId }]);
      expect(await audited()).toEqual(['customProvider.delete', 'customProvider.create']);
      expect((await providers()).some((p) => p.id === 'vm-target')).toBe(false);
    });

    it.each([
      ['an unknown id', 'never-created'],
      ['a built-in id', 'anthropic'],
      ['a malformed id', '../etc'],
    ])('is NOT_FOUND for %s', async (_label, id) => {
      expect((await gqlErr(url, DELETE, { id }, token)).code).toBe('NOT_FOUND');
    });
  });

  it('requires authentication for the mutations', async () => {
    expect((await gqlErr(url, CREATE, { input: input() })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, UPDATE, { id: 'x', input: input() })).code).toBe('UNAUTHENTICATED');
    expect((await gqlErr(url, DELETE, { id: 'x' })).code).toBe('UNAUTHENTICATED');
  });
});
