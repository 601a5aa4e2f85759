import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { useMemo } from 'react';
import { useSessionToken } from '../../lib/session';

const DEFAULT_QUERY = `# The admin API of this gateway. Ctrl/Cmd+Enter runs the operation;
# the Docs button on the left shows the whole schema.
query Overview {
  me {
    email
    creditBalanceUsd
  }
  accessKeys(first: 10) {
    nodes {
      id
      name
      keyRedacted
      lastUsedAt
    }
  }
}
`;

/** GraphiQL against /graphql with the signed-in session preset as the Authorization header. Loaded lazily. */
export function PlaygroundPage() {
  const token = useSessionToken();
  const authHeaders = useMemo(() => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }, [token]);
  // Headers typed into the editor override these defaults.
  const fetcher = useMemo(() => createGraphiQLFetcher({ url: `${window.location.origin}/graphql`, headers: authHeaders }), [authHeaders]);
  return (
    <div className="playground">
      <h1 className="visually-hidden">GraphQL playground</h1>
      <GraphiQL
        fetcher={fetcher}
        defaultQuery={DEFAULT_QUERY}
        initialHeaders={JSON.stringify(authHeaders, null, 2)}
        defaultHeaders={JSON.stringify(authHeaders, null, 2)}
        shouldPersistHeaders={false}
        defaultEditorToolsVisibility="headers"
      />
    </div>
  );
}
