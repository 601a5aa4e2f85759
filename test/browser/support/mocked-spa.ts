import { afterAll, beforeAll } from 'vitest';
import { useBrowser } from './browser.js';
import { createFixtures } from './mock-fixtures.js';
import { createMockGraphql } from './mock-graphql.js';
import { startStaticServer, type StaticServer } from './static-server.js';
import { ensureWebBuild } from './web-build.js';

/** The built SPA and its canned GraphQL endpoint, set in beforeAll. */
export interface MockedSpa {
  server: StaticServer;
  mock: ReturnType<typeof createMockGraphql>;
  fixtures: ReturnType<typeof createFixtures>;
  session: ReturnType<typeof useBrowser>;
}

/**
 * For a describe block: the built SPA served against canned GraphQL (fresh fixtures per block),
 * and a browser session on it. Rendering and client-side behaviour only; no gateway runs.
 */
export function useMockedSpa(): MockedSpa {
  const spa = {} as MockedSpa;
  beforeAll(async () => {
    const dist = await ensureWebBuild();
    spa.fixtures = createFixtures();
    spa.mock = createMockGraphql(spa.fixtures.resolvers);
    spa.server = await startStaticServer(dist, { graphql: (req, res) => spa.mock.handler(req, res) });
  });
  afterAll(async () => {
    await spa.server?.close();
  });
  spa.session = useBrowser({ baseURL: () => spa.server.url });
  return spa;
}
