// The signed-in frame: navigation, who is online, sign out, and the offline banner.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import { live } from '../live';
import { Link, location, navigate } from '../router';
import { can, clearSession, me, org, presence, setSession } from '../state';
import { titleCase } from '../format';
import { needsEmailVerification } from '../api/types';
import { startNotifications } from '../notifications';

function NavLink({ href, label }: { href: string; label: string }) {
  const path = location.value.path;
  const current = href === '/' ? path === '/' || path.startsWith('/tickets/') : path.startsWith(href);
  return (
    <Link href={href} aria-current={current ? 'page' : undefined}>
      {label}
    </Link>
  );
}

export async function signOut() {
  try {
    await api.logout();
  } catch {
    /* the token is forgotten here either way */
  }
  clearSession();
  navigate('/login', { replace: true });
}

function Online() {
  const people = [...presence.value.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''));
  return (
    <section class="online" aria-labelledby="online-heading">
      <h2 id="online-heading">Online now</h2>
      {people.length === 0 ? (
        <p class="muted">Nobody else is online.</p>
      ) : (
        <ul aria-label="Online agents">
          {people.map((p) => (
            <li key={p.userId}>
              <span class="dot" aria-hidden="true" /> {p.name ?? 'Someone'}
              {p.userId === me.value?.id && <span class="muted"> (you)</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function VerifyBanner() {
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resend = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await api.resendVerification();
      if (r?.verified) setSession(await api.me());
      else setSent(true);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="banner info" role="region" aria-label="Email verification">
      Please verify your email address: we sent you a link. Inviting teammates waits for it.{' '}
      <button type="button" onClick={() => void resend()} disabled={busy}>
        Send a new link
      </button>{' '}
      {sent && <span role="status">A new link is on its way.</span>}
      {error && <span role="alert">{error}</span>}
    </div>
  );
}

export function Layout({ children }: { children: ComponentChildren }) {
  const status = live.status.value;
  const user = me.value!;
  useEffect(() => startNotifications(), [user.id]);
  const path = location.value.path;
  useEffect(() => {
    // Move focus to the new page's heading so screen readers announce the change.
    const h = document.querySelector<HTMLElement>('#main h1');
    if (h && document.activeElement === document.body) h.focus({ preventScroll: true });
  }, [path]);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">wrrk</span>
        <span class="org">{org.value?.name}</span>
        <nav aria-label="Main">
          <NavLink href="/" label="Inbox" />
          <NavLink href="/contacts" label="Contacts" />
          {can('reports:view') && <NavLink href="/reports" label="Reports" />}
          <NavLink href="/settings/profile" label="Profile" />
          <NavLink href="/settings/team" label="Team" />
          <NavLink href="/settings/organization" label="Organization" />
          <NavLink href="/settings/replies" label="Saved replies" />
        </nav>
        <span class="who">
          {user.name} <span class="muted">· {titleCase(user.role)}</span>
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {status === 'offline' && (
        <div class="banner offline" role="alert">
          You are offline. Reconnecting… Live updates are paused; what you type is kept.
        </div>
      )}
      {needsEmailVerification(user) && <VerifyBanner />}
      <div class="frame">
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <aside class="side">
          <Online />
        </aside>
      </div>
    </div>
  );
}
