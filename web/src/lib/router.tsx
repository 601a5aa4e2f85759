import { useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** A tiny history router: the server falls back to index.html, so real paths work on reload. */
const NAVIGATE_EVENT = 'ai-gateway:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

const readPath = () => window.location.pathname;
const readSearch = () => window.location.search;

export function usePath(): string {
  return useSyncExternalStore(subscribe, readPath, () => '/');
}

/** The query string (with `?`, or ''); re-renders on navigation, back and forward. */
export function useSearch(): string {
  return useSyncExternalStore(subscribe, readSearch, () => '');
}

/** Replaces the query string of the current page, e.g. to keep filter state shareable and reloadable. */
export function setSearch(params: URLSearchParams, options: { replace?: boolean } = {}): void {
  const query = params.toString();
  const to = `${window.location.pathname}${query ? `?${query}` : ''}`;
  if (to === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/** Asked before an in-app navigation leaves the page; false keeps the user where they are. */
let leaveGuard: (() => boolean) | null = null;

/**
 * While `message` is set, leaving the page asks first: in-app links through confirm(), reloads and closing
 * the tab through the browser's own beforeunload prompt. For things that cannot be shown again.
 */
export function useLeaveGuard(message: string | null): void {
  useEffect(() => {
    if (!message) return;
    const guard = () => window.confirm(message);
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = message;
    };
    leaveGuard = guard;
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      if (leaveGuard === guard) leaveGuard = null;
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [message]);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname + window.location.search) return;
  if (leaveGuard && !options.replace && new URL(to, window.location.href).pathname !== window.location.pathname && !leaveGuard()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  window.scrollTo(0, 0);
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
}
