import { startFakeUpstream, type FakeUpstream } from './fake-upstream.js';
import { gqlOk, signUpAccount } from './graphql.js';
import type { StartOptions } from '../../server/src/server.js';
import { startTestServer, type TestServer } from './test-app.js';

export interface GatewayFixture {
  server: TestServer;
  /** One simulated upstream serving every built-in provider's base URL under its own path. */
  upstream: FakeUpstream;
  baseUrl: string;
  account: { token: string; accountId: string; email: string };
  stop(): Promise<void>;
}

/**
 * A running gateway whose built-in providers all point at the simulated upstream
 * (PROVIDER_BASE_URL_<ID>), with one signed-up account. `options` are the server's test hooks
 * (e.g. `{ credits: { now } }` for a controlled credit clock).
 */
export async function startGatewayFixture(
  env: Record<string, string | undefined> = {},
  options: Omit<StartOptions, 'logger'> = {},
): Promise<GatewayFixture> {
  const upstream = await startFakeUpstream();
  const overrides: Record<string, string> = {};
  for (const id of ['openai', 'anthropic', 'google', 'groq', 'deepseek', 'openrouter', 'hyperbolic', 'inceptionlabs', 'inference-net']) {
    overrides[`PROVIDER_BASE_URL_${id.toUpperCase().replace(/[.-]/g, '_')}`] = `http://127.0.0.1:${upstream.port}/${id}/v1`;
  }
  const server = await startTestServer({ ...overrides, ...env }, options);
  const account = await signUpAccount(server.url);
  return {
    server,
    upstream,
    baseUrl: server.url,
    account,
    async stop() {
      await server.stop();
      await upstream.close();
    },
  };
}

let providerKeyCount = 0;

/** Without a name, each key gets its own (a provider's key names are unique per account). */
export async function createProviderKey(
  f: GatewayFixture,
  provider: string,
  key: string,
  priority = 0,
  name = `${provider} key ${++providerKeyCount}`,
): Promise<string> {
  const data = await gqlOk<{ createProviderKey: { id: string } }>(
    f.baseUrl,
    'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
    { input: { provider, name, key, priority } },
    f.account.token,
  );
  return data.createProviderKey.id;
}

export async function createAccessKey(
  f: GatewayFixture,
  configurationId: string | null = null,
  name = 'app',
  limits: Record<string, unknown> | null = null,
): Promise<{ id: string; token: string }> {
  const data = await gqlOk<{ createAccessKey: { token: string; accessKey: { id: string } } }>(
    f.baseUrl,
    'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token accessKey { id } } }',
    { input: { name, description: null, configurationId, limits } },
    f.account.token,
  );
  return { id: data.createAccessKey.accessKey.id, token: data.createAccessKey.token };
}

let configurationCount = 0;

/** Without a name, each configuration gets its own (names are unique per account). */
export async function createConfiguration(f: GatewayFixture, input: Record<string, unknown>): Promise<string> {
  const data = await gqlOk<{ createAccessKeyConfiguration: { id: string } }>(
    f.baseUrl,
    'mutation($input: AccessKeyConfigurationInput!) { createAccessKeyConfiguration(input: $input) { id } }',
    { input: { name: `config ${++configurationCount}`, ...input } },
    f.account.token,
  );
  return data.createAccessKeyConfiguration.id;
}

/** Waits until the usage recorder has written everything queued. */
export async function flushUsage(f: GatewayFixture): Promise<void> {
  await f.server.services.usage.flush();
}
