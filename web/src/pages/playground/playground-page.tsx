import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { useMemo } from 'react';
import { useSessionToken } from '../../lib/session';
import { useTheme } from '../../lib/theme';

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

/**
 * GraphiQL against /graphql. Loaded lazily (app.tsx), so its editor never weighs on other pages. The session
 * token is added by the fetcher, not written into the headers editor, so it is never on screen (screenshots,
 * screen sharing); headers typed into the editor still override it.
 */
export function PlaygroundPage() {
  const token = useSessionToken();
  const theme = useTheme();
  const fetcher = useMemo(
    () => createGraphiQLFetcher({ url: `${window.location.origin}/graphql`, headers: token ? { Authorization: `Bearer ${token}` } : {} }),
    [token],
  );
  return (
    <div className="playground">
      <h1 className="visually-hidden">GraphQL playground</h1>
      <p className="playground-note muted small">Requests run as you: your session is sent automatically and never shown here.</p>
      <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} forcedTheme={theme === 'system' ? undefined : theme} />
    </div>
  );
}
