/**
 * Account set-up through the public GraphQL API, as an operator's script would do it:
 * signUp → createProviderKey(openai) → purchaseCredits → createAccessKey.
 */
import { gql, gqlOk } from '../test/support/graphql.js';

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
