// A tiny history-API router: the current location is a signal; <Link> and navigate()
// push entries; the server falls back to index.html for every client-side route.

import { signal } from '@preact/signals';
import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';

export const location = signal({ path: window.location.pathname, search: window.location.search });

function sync() {
  location.value = { path: window.location.pathname, search: window.location.search };
}

window.addEventListener('popstate', sync);

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  sync();
  window.scrollTo(0, 0);
}

/** A query parameter of the current location. */
export function param(name: string): string | null {
  return new URLSearchParams(location.value.search).get(name);
}

/** A same-origin path that is safe to return to after signing in. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  if (/^\/(login|signup)\b/.test(next)) return '/';
  return next;
}

type LinkProps = AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; children?: ComponentChildren };

export function Link({ href, children, ...rest }: LinkProps) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={onClick} {...rest}>
      {children}
    </a>
  );
}
