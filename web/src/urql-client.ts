import { Client, cacheExchange, fetchExchange, mapExchange, type CombinedError } from 'urql';

/** The single urql client factory of the SPA: session token as Bearer, sign out when the API says UNAUTHENTICATED. */
export interface UrqlClientOptions {
  url?: string;
  getToken: () => string | null;
  onUnauthenticated: () => void;
}

export function isUnauthenticated(error: CombinedError): boolean {
  if (error.response && (error.response as Response).status === 401) return true;
  return error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

export function createUrqlClient({ url = '/graphql', getToken, onUnauthenticated }: UrqlClientOptions): Client {
  return new Client({
    url,
    requestPolicy: 'cache-and-network',
    // urql defaults to GET for short queries; Apollo's CSRF prevention rejects plain GETs, so always POST JSON.
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (getToken() !== null && isUnauthenticated(error)) onUnauthenticated();
        },
      }),
      fetchExchange,
    ],
    fetchOptions: () => {
      const token = getToken();
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      return { headers };
    },
  });
}
