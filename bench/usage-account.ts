import { gqlOk } from '../test/support/graphql.js';

/** One benchmark account with provider and access keys, set up as an operator would: GraphQL over HTTP. */
export interface BenchAccount {
  session: string;
  accountId: string;
  /** The first access key's token (for /v1 load). */
  accessToken: string;
  accessKeyIds: string[];
  providerKeyIds: string[];
}

export async function setUpBenchAccount(
  base: string,
  options: { email: string; password: string; name: string; providers: readonly string[]; accessKeys: number; creditPurchases: number },
): Promise<BenchAccount> {
  const { signUp } = await gqlOk<{ signUp: { token: string; account: { id: string } } }>(
    base,
    'mutation($input: SignUpInput!) { signUp(input: $input) { token account { id } } }',
    { input: { email: options.email, password: options.password, name: options.name } },
  );
  const session = signUp.token;
  // Synthetic charges may drive the balance below zero; the purchases only keep requests admitted.
  for (let i = 0; i < options.creditPurchases; i++) await gqlOk(base, 'mutation { purchaseCredits(amountUsd: "10000.00") { id } }', {}, session);
  const providerKeyIds: string[] = [];
  for (const provider of options.providers) {
    const { createProviderKey } = await gqlOk<{ createProviderKey: { id: string } }>(
      base,
      'mutation($input: CreateProviderKeyInput!) { createProviderKey(input: $input) { id } }',
      { input: { provider, name: `bench ${provider}`, key: `sk-bench-${provider}-0000000000000000`, priority: 0 } },
      session,
    );
    providerKeyIds.push(createProviderKey.id);
  }
  const accessKeyIds: string[] = [];
  let accessToken = '';
  for (let i = 0; i < options.accessKeys; i++) {
    const { createAccessKey } = await gqlOk<{ createAccessKey: { token: string; accessKey: { id: string } } }>(
      base,
      'mutation($input: CreateAccessKeyInput!) { createAccessKey(input: $input) { token accessKey { id } } }',
      { input: { name: `bench key ${i + 1}`, description: null, configurationId: null } },
      session,
    );
    accessKeyIds.push(createAccessKey.accessKey.id);
    if (i === 0) accessToken = createAccessKey.token;
  }
  return { session, accountId: signUp.account.id, accessToken, accessKeyIds, providerKeyIds };
}
