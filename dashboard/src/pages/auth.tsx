// Signed-out pages: sign in, sign up, invitation, email verification, password reset.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, describe } from '../api/client';
import type { InvitationLookup } from '../api/types';
import { Link, navigate, param, safeNext } from '../router';
import { hasToken, me, setSession, signedIn } from '../state';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';
import { titleCase } from '../format';

function form(e: Event): Record<string, string> {
  e.preventDefault();
  const data = new FormData(e.currentTarget as HTMLFormElement);
  const out: Record<string, string> = {};
  data.forEach((v, k) => (out[k] = String(v)));
  return out;
}

function Card({ title, children }: { title: string; children: preact.ComponentChildren }) {
  useTitle(title);
  return (
    <main id="main" class="auth">
      <div class="brand" aria-hidden="true">
        wrrk
      </div>
      <section class="card">
        <h1 tabIndex={-1}>{title}</h1>
        {children}
      </section>
    </main>
  );
}

export function Login() {
  const { busy, error, run } = useAction();
  const next = safeNext(param('next'));
  const expired = param('expired') === '1';
  const submit = (e: Event) => {
    const f = form(e);
    void run(async () => {
      const s = await api.login(f.email, f.password);
      await signedIn(s.token);
      navigate(next, { replace: true });
    }, describe);
  };
  return (
    <Card title="Sign in">
      {expired && <Notice>Your session has ended. Sign in to continue where you were.</Notice>}
      <form onSubmit={submit} class="stack">
        <Field label="Email">
          <input name="email" type="email" autocomplete="username" required />
        </Field>
        <Field label="Password">
          <input name="password" type="password" autocomplete="current-password" required />
        </Field>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p class="links">
        <Link href="/forgot-password">Forgot your password?</Link>
        <Link href="/signup">Create an organization</Link>
      </p>
    </Card>
  );
}

export function Signup() {
  const { busy, error, run } = useAction();
  // A deployed helpdesk creates its first organization through the deploy's one-time
  // setup link (/signup?setup=...); elsewhere signup is open or closed by the server.
  const setupToken = new URLSearchParams(window.location.search).get('setup') ?? undefined;
  const submit = (e: Event) => {
    const f = form(e);
    void run(async () => {
      const s = await api.signup({
        organizationName: f.organizationName,
        name: f.name,
        email: f.email,
        password: f.password,
        ...(setupToken ? { setupToken } : {}),
      });
      await signedIn(s.token);
      navigate('/?welcome=1', { replace: true });
    }, describe);
  };
  return (
    <Card title="Create your organization">
      <form onSubmit={submit} class="stack">
        <Field label="Organization name">
          <input name="organizationName" required maxLength={100} autocomplete="organization" />
        </Field>
        <Field label="Your name">
          <input name="name" required maxLength={100} autocomplete="name" />
        </Field>
        <Field label="Email">
          <input name="email" type="email" required autocomplete="email" />
        </Field>
        <Field label="Password" hint="At least 8 characters.">
          <input name="password" type="password" required minLength={8} autocomplete="new-password" />
        </Field>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Sign up'}
        </button>
      </form>
      <p class="links">
        <Link href="/login">Already have an account? Sign in</Link>
      </p>
    </Card>
  );
}

export function Invite({ token }: { token: string }) {
  const [info, setInfo] = useState<InvitationLookup | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  useEffect(() => {
    api.lookupInvitation(token).then(setInfo, (e) =>
      setLoadError(
        e instanceof ApiError && e.status === 404 ? 'This invitation link is not valid.' : describe(e),
      ),
    );
  }, [token]);
  const submit = (e: Event) => {
    const f = form(e);
    void run(async () => {
      const s = await api.acceptInvitation(token, f.name, f.password);
      await signedIn(s.token);
      navigate('/', { replace: true });
    }, describe);
  };
  return (
    <Card title="Join your team">
      {!info && !loadError && <p>Checking your invitation…</p>}
      <ErrorText error={loadError} />
      {loadError && (
        <p class="links">
          <Link href="/login">Go to sign in</Link>
        </p>
      )}
      {info && (
        <>
          <p>
            You are invited to join <strong>{info.organizationName}</strong> as{' '}
            {info.role === 'ADMIN' || info.role === 'AGENT' ? 'an' : 'a'} {titleCase(info.role)}.
          </p>
          <form onSubmit={submit} class="stack">
            <Field label="Email">
              <input name="email" type="email" value={info.email} readOnly autocomplete="username" />
            </Field>
            <Field label="Your name">
              <input name="name" required maxLength={100} autocomplete="name" />
            </Field>
            <Field label="Choose a password" hint="At least 8 characters.">
              <input name="password" type="password" required minLength={8} autocomplete="new-password" />
            </Field>
            <ErrorText error={error} />
            <button type="submit" class="primary" disabled={busy}>
              {busy ? 'Joining…' : 'Accept invitation'}
            </button>
          </form>
        </>
      )}
    </Card>
  );
}

export function VerifyEmail({ token }: { token: string }) {
  const [state, setState] = useState<'busy' | 'done' | string>('busy');
  useEffect(() => {
    api.verifyEmail(token).then(
      () => {
        setState('done');
        // Signed in here: pick up the verified user and organization (the banner goes).
        if (hasToken()) api.me().then(setSession, () => undefined);
      },
      (e) => setState(describe(e)),
    );
  }, [token]);
  return (
    <Card title="Verify your email">
      {state === 'busy' && <p role="status">Verifying…</p>}
      {state === 'done' && <Notice>Your email address is verified.</Notice>}
      {state !== 'busy' && state !== 'done' && <ErrorText error={state} />}
      <p class="links">
        {me.value ? <Link href="/">Go to the inbox</Link> : <Link href="/login">Go to sign in</Link>}
      </p>
    </Card>
  );
}

export function ForgotPassword() {
  const { busy, error, run } = useAction();
  const [sent, setSent] = useState(false);
  const submit = (e: Event) => {
    const f = form(e);
    void run(async () => {
      await api.forgotPassword(f.email);
      setSent(true);
    }, describe);
  };
  return (
    <Card title="Reset your password">
      {sent ? (
        <Notice>If an account uses that address, we have emailed it a link to choose a new password.</Notice>
      ) : (
        <form onSubmit={submit} class="stack">
          <Field label="Email">
            <input name="email" type="email" required autocomplete="email" />
          </Field>
          <ErrorText error={error} />
          <button type="submit" class="primary" disabled={busy}>
            Send reset link
          </button>
        </form>
      )}
      <p class="links">
        <Link href="/login">Back to sign in</Link>
      </p>
    </Card>
  );
}

export function ResetPassword({ token }: { token: string }) {
  const { busy, error, setError, run } = useAction();
  const submit = (e: Event) => {
    const f = form(e);
    if (f.newPassword !== f.confirm) {
      setError('The two passwords do not match.');
      return;
    }
    void run(async () => {
      // Every session of the account ends; the answer signs this one in.
      const s = await api.resetPassword(token, f.newPassword);
      await signedIn(s.token);
      navigate('/?reset=1', { replace: true });
    }, describe);
  };
  return (
    <Card title="Choose a new password">
      <form onSubmit={submit} class="stack">
        <Field label="New password" hint="At least 8 characters.">
          <input name="newPassword" type="password" required minLength={8} autocomplete="new-password" />
        </Field>
        <Field label="Confirm new password">
          <input name="confirm" type="password" required minLength={8} autocomplete="new-password" />
        </Field>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          Change password
        </button>
      </form>
      <p class="links">
        <Link href="/login">Go to sign in</Link>
      </p>
    </Card>
  );
}
