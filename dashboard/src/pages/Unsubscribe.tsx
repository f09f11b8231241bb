// The link in a notification mail: turns that kind of mail off, without signing in.

import { useEffect, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import { Link } from '../router';
import { ErrorText, Notice, useTitle } from '../components/ui';

const WHAT: Record<string, string> = {
  ASSIGNED: 'tickets assigned to you',
  CUSTOMER_REPLIED: 'customers answering your tickets',
};

export function Unsubscribe({ token }: { token: string }) {
  useTitle('Email notifications');
  const [state, setState] = useState<{ kind: string; email: string } | 'busy' | string>('busy');
  useEffect(() => {
    api.unsubscribe(token).then(setState, (e) => setState(describe(e)));
  }, [token]);
  return (
    <main id="main" class="auth">
      <div class="brand" aria-hidden="true">
        wrrk
      </div>
      <section class="card">
        <h1 tabIndex={-1}>Email notifications</h1>
        {state === 'busy' && <p role="status">Turning it off…</p>}
        {typeof state === 'object' && (
          <Notice>
            {state.email} gets no more mail about {WHAT[state.kind] ?? 'this'}. Turn it on again on your profile
            page.
          </Notice>
        )}
        {typeof state === 'string' && state !== 'busy' && <ErrorText error={state} />}
        <p class="links">
          <Link href="/settings/profile">Go to your profile</Link>
        </p>
      </section>
    </main>
  );
}
