import { useEffect } from 'preact/hooks';
import { location, navigate, param, safeNext } from './router';
import { bootError, me, hasToken } from './state';
import { Layout } from './components/Layout';
import { ForgotPassword, Invite, Login, ResetPassword, Signup, VerifyEmail } from './pages/auth';
import { Inbox } from './pages/Inbox';
import { TicketPage } from './pages/Ticket';
import { Profile } from './pages/Profile';
import { TeamSettings } from './pages/Team';
import { OrganizationSettings } from './pages/Organization';
import { SavedRepliesSettings } from './pages/SavedReplies';
import { Reports } from './pages/Reports';
import { ContactPage, Contacts } from './pages/Contacts';
import { Rate } from './pages/Rate';
import { Unsubscribe } from './pages/Unsubscribe';

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>There is nothing at this address.</p>
    </>
  );
}

export function App() {
  const { path, search } = location.value;
  let m: RegExpMatchArray | null;

  // Public pages.
  if (path === '/login') return me.value ? <Redirect to={safeNext(param('next'))} /> : <Login />;
  if (path === '/signup') return <Signup />;
  if (path === '/forgot-password') return <ForgotPassword />;
  if ((m = path.match(/^\/invite\/([^/]+)$/))) return <Invite token={decodeURIComponent(m[1])} />;
  if ((m = path.match(/^\/verify-email\/([^/]+)$/))) return <VerifyEmail token={decodeURIComponent(m[1])} />;
  if ((m = path.match(/^\/reset-password\/([^/]+)$/))) return <ResetPassword token={decodeURIComponent(m[1])} />;
  if ((m = path.match(/^\/rate\/([^/]+)$/))) return <Rate token={decodeURIComponent(m[1])} />;
  if (path === '/unsubscribe') return <Unsubscribe token={param('token') ?? ''} />;

  if (!me.value) {
    if (!hasToken()) return <Redirect to={`/login?next=${encodeURIComponent(path + search)}`} />;
    if (bootError.value)
      return (
        <main id="main" class="auth">
          <p role="alert" class="error">
            {bootError.value}
          </p>
          <button type="button" onClick={() => window.location.reload()}>
            Try again
          </button>
        </main>
      );
    return <p class="boot">Loading…</p>;
  }

  let page;
  if (path === '/') page = <Inbox />;
  else if ((m = path.match(/^\/tickets\/([^/]+)$/))) page = <TicketPage key={m[1]} id={decodeURIComponent(m[1])} />;
  else if (path === '/settings' || path === '/settings/profile') page = <Profile />;
  else if (path === '/settings/team') page = <TeamSettings />;
  else if (path === '/settings/organization') page = <OrganizationSettings />;
  else if (path === '/settings/replies') page = <SavedRepliesSettings />;
  else if (path === '/reports') page = <Reports />;
  else if (path === '/contacts') page = <Contacts />;
  else if ((m = path.match(/^\/contacts\/([^/]+)$/))) page = <ContactPage key={m[1]} id={decodeURIComponent(m[1])} />;
  else page = <NotFound />;
  return <Layout>{page}</Layout>;
}
