export interface GraphqlResult<T = Record<string, unknown>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } & Record<string, unknown> }[];
}

/** POSTs a GraphQL operation the way scripts do (JSON, optional bearer token). */
export async function gql<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphqlResult<T>> {
  const res = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphqlResult<T>;
}

/** Like gql but fails the test on any error, returning data. */
export async function gqlOk<T = Record<string, unknown>>(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const result = await gql<T>(baseUrl, query, variables, token);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}

let counter = 0;

/** Signs up a fresh account; returns its session token and id. */
export async function signUpAccount(baseUrl: string, name = 'Test'): Promise<{ token: string; accountId: string; email: string }> {
  const email = `user${Date.now()}${counter++}@example.com`;
  const data = await gqlOk<{ signUp: { token: string; account: { id: string } } }>(
    baseUrl,
    'mutation($input: SignUpInput!) { signUp(input: $input) { token account { id } } }',
    { input: { email, password: 'correct horse battery', name } },
  );
  return { token: data.signUp.token, accountId: data.signUp.account.id, email };
}

export interface GraphqlFailure {
  code: string | undefined;
  message: string;
  /** Every error of the response, for assertions on more than the first. */
  errors: NonNullable<GraphqlResult['errors']>;
}

/** Runs an operation that must fail; returns its first error's extensions.code and message. */
export async function gqlErr(
  baseUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<GraphqlFailure> {
  const result = await gql(baseUrl, query, variables, token);
  if (!result.errors?.length) throw new Error(`Expected GraphQL errors, got data: ${JSON.stringify(result.data)}`);
  const [first] = result.errors;
  return { code: first.extensions?.code, message: first.message, errors: result.errors };
}
