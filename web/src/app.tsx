import { lazy, Suspense, useEffect, useMemo, type ReactNode } from 'react';
import { Provider } from 'urql';
import { AppLayout } from './components/app-layout';
import { Loading } from './components/query-state';
import { navigate, usePath } from './lib/router';
import { readSessionToken, signOut, useSessionToken } from './lib/session';
import { AccessKeysPage } from './pages/access-keys/access-keys-page';
import { AuditPage } from './pages/audit/audit-page';
import { AuthPage } from './pages/auth/auth-page';
import { ConfigurationsPage } from './pages/configurations/configurations-page';
import { CreditsPage } from './pages/credits/credits-page';
import { AcceptInvitationPage } from './pages/members/accept-invitation-page';
import { MembersPage } from './pages/members/members-page';
import { FirewallPage } from './pages/firewall/firewall-page';
import { ProviderKeysPage } from './pages/provider-keys/provider-keys-page';
import { ProvidersPage } from './pages/providers/providers-page';
import { QuickstartPage } from './pages/quickstart/quickstart-page';
import { SettingsPage } from './pages/settings/settings-page';
import { UsagePage } from './pages/usage/usage-page';
import { VirtualModelsPage } from './pages/virtual-models/virtual-models-page';
import { createUrqlClient } from './urql-client';

// GraphiQL (and Monaco) are big: only loaded when the playground is opened.
const ChatPage = lazy(() => import('./pages/chat/chat-page').then((m) => ({ default: m.ChatPage })));
const PlaygroundPage = lazy(() => import('./pages/playground/playground-page').then((m) => ({ default: m.PlaygroundPage })));

const ROUTES: Record<string, () => ReactNode> = {
  '/access-keys': () => <AccessKeysPage />,
  '/configurations': () => <ConfigurationsPage />,
  '/virtual-models': () => <VirtualModelsPage />,
  '/firewall': () => <FirewallPage />,
  '/provider-keys': () => <ProviderKeysPage />,
  '/providers': () => <ProvidersPage />,
  '/usage': () => <UsagePage />,
  '/credits': () => <CreditsPage />,
  '/members': () => <MembersPage />,
  '/audit': () => <AuditPage />,
  '/quickstart': () => <QuickstartPage />,
  '/settings': () => <SettingsPage />,
  '/chat': () => (
    <Suspense fallback={<Loading label="chat playground" />}>
      <ChatPage />
    </Suspense>
  ),
  '/playground': () => (
    <Suspense fallback={<Loading label="GraphQL playground" />}>
      <PlaygroundPage />
    </Suspense>
  ),
};

const TITLES: Record<string, string> = {
  '/login': 'Log in',
  '/signup': 'Sign up',
  '/access-keys': 'Access keys',
  '/configurations': 'Configurations',
  '/virtual-models': 'Virtual models',
  '/firewall': 'Firewall',
  '/provider-keys': 'Provider keys',
  '/providers': 'Providers & models',
  '/usage': 'Usage',
  '/credits': 'Credits',
  '/members': 'Members',
  '/audit': 'Audit log',
  '/accept-invitation': 'Accept invitation',
  '/quickstart': 'Quickstart',
  '/settings': 'Settings',
  '/chat': 'Chat playground',
  '/playground': 'GraphQL playground',
};

const PUBLIC_PATHS = new Set(['/login', '/signup']);
/** Pages shown whether or not someone is signed in on this browser. */
const OPEN_PATHS = new Set(['/accept-invitation']);
const HOME = '/access-keys';

export function App() {
  const token = useSessionToken();
  const path = usePath();
  // A fresh client (and cache) per session, so one account never sees another's cached data.
  const client = useMemo(() => createUrqlClient({ getToken: readSessionToken, onUnauthenticated: signOut }), [token]);

  const redirect = OPEN_PATHS.has(path) ? null : token ? (PUBLIC_PATHS.has(path) || path === '/' || !(path in ROUTES) ? HOME : null) : PUBLIC_PATHS.has(path) ? null : '/login';
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);

  useEffect(() => {
    const name = TITLES[path];
    document.title = name ? `${name} · AI Gateway` : 'AI Gateway';
  }, [path]);

  if (redirect) return null;
  if (OPEN_PATHS.has(path)) {
    return (
      <Provider value={client}>
        <AcceptInvitationPage />
      </Provider>
    );
  }

  return (
    <Provider value={client}>
      {token ? <AppLayout path={path}>{ROUTES[path]?.()}</AppLayout> : <AuthPage mode={path === '/signup' ? 'signUp' : 'logIn'} />}
    </Provider>
  );
}
