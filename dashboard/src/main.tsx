import { Component, render, type ComponentChildren } from 'preact';
import { api, ApiError, configure, describe, getToken, TOKEN_STORAGE_KEY } from './api/client';
import type { AppConfig } from './api/types';
import { location, navigate } from './router';
import { bootError, clearSession, me, setSession, signedIn, startLive } from './state';
import { App } from './app';
import './styles.css';

/** A 401 anywhere: forget the session and sign in again, then come back here. */
function unauthorized() {
  const here = location.value.path + location.value.search;
  clearSession();
  if (location.value.path !== '/login') {
    navigate(`/login?expired=1&next=${encodeURIComponent(here)}`, { replace: true });
  }
}

/** A bug in one page shows a sentence and a way out, not a blank screen. */
class Boundary extends Component<{ children: ComponentChildren }, { failed: boolean }> {
  state = { failed: false };
  componentDidCatch(error: unknown) {
    console.error(error);
    this.setState({ failed: true });
  }
  render() {
    if (!this.state.failed) return this.props.children;
    return (
      <main id="main" class="auth">
        <p role="alert" class="error">
          Something went wrong on this page.
        </p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </main>
    );
  }
}

async function boot() {
  const root = document.getElementById('app')!;
  let config: AppConfig;
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    config = await res.json();
  } catch {
    root.innerHTML =
      '<p role="alert" class="error boot">The dashboard could not load its configuration. Reload the page to try again.</p>';
    return;
  }
  configure(config, unauthorized);

  // Another tab signed out or in.
  window.addEventListener('storage', (e) => {
    if (e.key !== TOKEN_STORAGE_KEY) return;
    if (!e.newValue && me.value) unauthorized();
    else if (e.newValue && !me.value) void signedIn(e.newValue).catch(() => undefined);
  });

  root.textContent = '';
  render(
    <Boundary>
      <App />
    </Boundary>,
    root,
  );

  if (getToken()) {
    try {
      setSession(await api.me());
      startLive();
    } catch (e) {
      // A 401 already went to sign-in; anything else (the server is unreachable) keeps
      // the token and offers to try again.
      if (!(e instanceof ApiError && e.status === 401)) bootError.value = describe(e);
    }
  }
}

void boot();
