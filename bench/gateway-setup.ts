/**
 * Account set-up through the public GraphQL API, as an operator's script would do it:
 * signUp → createProviderKey(openai) → purchaseCredits → createAccessKey.
 */

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

async function gql<T>(baseUrl: string, query: string, variables: Record<string, unknown>, token?: string): Promise<GraphqlResponse<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphqlResponse<T>;
}

async function gqlOk<T>(baseUrl: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const r = await gql<T>(baseUrl, query, variables, token);
  if (r.errors?.length || !r.data) throw new Error(`GraphQL error: ${JSON.stringify(r.errors)}`);
  return r.data;
}

export interface GatewaySetup {
  accessToken: string;
  /** What happened to purchaseCredits (the credits module may not exist yet). */
  credits: 'purchased' | 'skipped: purchaseCredits not in the schema' | `failed: ${string}`;
}

export async function setUpGatewayAccount(baseUrl: string): Promise<GatewaySetup> {
  const signUp = await gqlOk<{ signUp: { token: string } }>(
    baseUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
    { input: { email: `bench-${Date.now()}@example.com`, password: 'benchmark password 1', name: 'Benchmark' } },
  );
  const session = signUp.signUp.token;
  await gqlOk(
    baseUrl,
    'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
    { input: { provider: 'openai', name: 'bench', key: 'sk-bench-0000000000000000', priority: 0 } },
    session,
  );

  let credits: GatewaySetup['credits'];
  const purchase = await gql(baseUrl, 'mutation { purchaseCredits(amountUsd: "1000.00") { id status } }', {}, session);
  if (!purchase.errors?.length) credits = 'purchased';
  else if (purchase.errors.some((e) => /Cannot query field "purchaseCredits"/.test(e.message))) {
    credits = 'skipped: purchaseCredits not in the schema';
  } else credits = `failed: ${purchase.errors.map((e) => e.message).join('; ')}`;

  const key = await gqlOk<{ createAccessKey: { token: string } }>(
    baseUrl,
    'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token } }',
    { input: { name: 'bench', description: null, configurationId: null } },
    session,
  );
  return { accessToken: key.createAccessKey.token, credits };
}
