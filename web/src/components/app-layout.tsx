import { useState, type ReactNode } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { formatUsd, parseUsdNano } from '../lib/format';
import { Link } from '../lib/router';
import { useRole, useViewer } from '../lib/role';
import { signOut } from '../lib/session';
import type { Role, ViewerQuery as ViewerData } from '../gql/graphql';
import { Icon, type IconName } from './icons';
import { ThemeSelect } from './theme-select';

export const LayoutMeQuery = graphql(`
  query LayoutMe {
    me {
      id
      email
      name
      creditBalanceUsd
    }
  }
`);

const LogOutMutation = graphql(`
  mutation LogOut {
    logOut
  }
`);

export interface NavItem {
  path: string;
  label: string;
  icon: IconName;
  /** Shown only to members with this role or higher (the API refuses the page's data otherwise). */
  minRole?: Role;
}

export const NAV_ITEMS: NavItem[] = [
  { path: '/access-keys', label: 'Access keys', icon: 'key' },
  { path: '/configurations', label: 'Configurations', icon: 'sliders' },
  { path: '/virtual-models', label: 'Virtual models', icon: 'shuffle' },
  { path: '/firewall', label: 'Firewall', icon: 'shield' },
  { path: '/provider-keys', label: 'Provider keys', icon: 'lock' },
  { path: '/providers', label: 'Providers & models', icon: 'boxes' },
  { path: '/usage', label: 'Usage', icon: 'chart' },
  { path: '/credits', label: 'Credits', icon: 'wallet' },
  { path: '/members', label: 'Members', icon: 'users', minRole: 'DEVELOPER' },
  { path: '/audit', label: 'Audit log', icon: 'list', minRole: 'ADMIN' },
  { path: '/quickstart', label: 'Quickstart', icon: 'rocket' },
  { path: '/chat', label: 'Chat playground', icon: 'chat' },
  { path: '/playground', label: 'GraphQL playground', icon: 'code' },
  { path: '/settings', label: 'Settings', icon: 'gear' },
];

export function AppLayout({ path, children }: { path: string; children: ReactNode }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const [me] = useQuery({ query: LayoutMeQuery });
  const account = me.data?.me;
  const { viewer, fetching: viewerFetching } = useViewer();
  const [, logOut] = useMutation(LogOutMutation);
  const { can } = useRole();
  const onLogOut = async () => {
    // End the server session if possible; sign out locally regardless.
    await logOut({}).catch(() => undefined);
    signOut();
  };
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="btn-icon" aria-label={menuOpen ? 'Close menu' : 'Open menu'} aria-expanded={menuOpen} aria-controls="sidebar" onClick={() => setMenuOpen((v) => !v)}>
          <Icon name="menu" />
        </button>
        <Brand />
        <span className="topbar-balance">
          {account ? (
            <>
              <span className="visually-hidden">Credit balance </span>
              {formatUsd(account.creditBalanceUsd)}
            </>
          ) : null}
        </span>
      </header>
      <aside className="sidebar" id="sidebar">
        <div className="sidebar-brand">
          <Brand />
        </div>
        <nav aria-label="Main">
          <ul className="nav-list">
            {NAV_ITEMS.filter((item) => !item.minRole || can(item.minRole)).map((item) => {
              const active = path === item.path || path.startsWith(`${item.path}/`);
              return (
                <li key={item.path}>
                  <Link to={item.path} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
                    <Icon name={item.icon} />
                    <span>{item.label}</span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="sidebar-footer">
          <div className="sidebar-theme">
            <ThemeSelect />
          </div>
          {account ? (
            <Link to="/credits" className="balance-chip" onClick={() => setMenuOpen(false)}>
              <span className="muted small">Credit balance</span>
              <strong data-testid="sidebar-balance">{formatUsd(account.creditBalanceUsd)}</strong>
            </Link>
          ) : null}
          <div className="account-row">
            <SignedInAs viewer={viewer} organization={account ? account.name || account.email : null} loading={viewerFetching || me.fetching} />
            <button type="button" className="btn-icon" onClick={onLogOut} aria-label="Log out" title="Log out">
              <Icon name="logout" />
            </button>
          </div>
        </div>
      </aside>
      <div className="backdrop" aria-hidden="true" onClick={() => setMenuOpen(false)} />
      <main id="main" className="main" tabIndex={-1}>
        {account && isZero(account.creditBalanceUsd) ? <ZeroBalanceWarning /> : null}
        {children}
      </main>
    </div>
  );
}

/**
 * Who is signed in (the member, not the organization: every member of an organization shares `me`), and in
 * which organization. An API key has no member; the UI is then used with the key's role.
 */
function SignedInAs({ viewer, organization, loading }: { viewer: ViewerData['viewer']; organization: string | null; loading: boolean }) {
  const who = viewer ? viewer.name || viewer.email : loading ? 'Loading…' : 'API key';
  return (
    <div className="account-id" data-testid="signed-in-as">
      <span className="avatar" aria-hidden="true">
        {(viewer ? viewer.name || viewer.email : '?').slice(0, 1).toUpperCase()}
      </span>
      <span className="account-text">
        <span className="visually-hidden">Signed in as </span>
        <span className="account-name" title={viewer?.email}>
          {who}
        </span>
        {viewer ? (
          <span className="account-email small" title={viewer.email}>
            {viewer.role}
            {viewer.name ? ` · ${viewer.email}` : ''}
          </span>
        ) : null}
        {organization ? (
          <span className="account-email small" title={organization}>
            Organization: {organization}
          </span>
        ) : null}
      </span>
    </div>
  );
}

export function Brand() {
  return (
    <Link to="/access-keys" className="brand" aria-label="AI Gateway home">
      <span className="brand-mark" aria-hidden="true">
        <svg viewBox="0 0 32 32" width="26" height="26">
          <rect width="32" height="32" rx="8" fill="currentColor" />
          <path d="M9 16h14M16 9v14" stroke="white" strokeWidth="3" strokeLinecap="round" />
        </svg>
      </span>
      <span className="brand-name">AI Gateway</span>
    </Link>
  );
}

const isZero = (amount: string) => (parseUsdNano(amount) ?? 0n) <= 0n;

/** Shown on every page while the balance is $0: every /v1 request is refused until credits are bought. */
function ZeroBalanceWarning() {
  return (
    <div className="alert alert-warning zero-balance" role="status" data-testid="zero-balance">
      <strong>Your credit balance is $0.00.</strong> Every request pays a small processing fee from credits, so requests are refused (402) until
      you <Link to="/credits">buy credits</Link>.
    </div>
  );
}
