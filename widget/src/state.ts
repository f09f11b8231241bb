// The widget's one explicit state: the live connection's phase as a small state machine
// (a pure transition function), and the model everything else reads and writes.

import type { Init } from './api';
import type { Stored, User } from './storage';

/**
 * Where the live connection is.
 * - `closed`: no conversation yet (or forgotten);
 * - `opening`: a socket is being connected, or is open and catching up;
 * - `open`: the socket is open and caught up (replies and typing arrive live);
 * - `offline`: the socket closed or could not connect; a reconnect is scheduled;
 * - `refused`: the server refused the session (expired, rotated key): a new one is needed.
 */
export type Phase = 'closed' | 'opening' | 'open' | 'offline' | 'refused';

export type PhaseEvent =
  /** A session exists and a socket is being connected for it. */
  | 'connect'
  /** The socket opened and the conversation was read up to now. */
  | 'caughtUp'
  /** The socket closed, or connecting failed. */
  | 'lost'
  /** The session was forgotten (reset, or another tab started a new one). */
  | 'drop'
  /** The server answered 401 for the session. */
  | 'refused';

/** The phase after `event` in `phase`. Events that do not apply leave it as it is. */
export function transition(phase: Phase, event: PhaseEvent): Phase {
  switch (event) {
    case 'connect':
      return phase === 'open' ? 'open' : 'opening';
    case 'caughtUp':
      // A late catch-up of a socket already lost or forgotten does not make it live.
      return phase === 'opening' ? 'open' : phase;
    case 'lost':
      return phase === 'opening' || phase === 'open' ? 'offline' : phase;
    case 'drop':
      return 'closed';
    case 'refused':
      return 'refused';
  }
}

/** `<wrrk-chat data-state>`, which host pages and the browser tests read. */
export function dataState(phase: Phase): 'idle' | 'connecting' | 'live' {
  if (phase === 'open') return 'live';
  if (phase === 'opening' || phase === 'offline') return 'connecting';
  return 'idle';
}

/** Everything the widget knows, in one place (the DOM only shows it). */
export interface Model {
  phase: Phase;
  init: Init | null;
  user: User | null;
  session: Stored | null;
  /** The panel is open. */
  open: boolean;
  unread: number;
  /**
   * The newest message id read over HTTP: where the next catch-up starts. Live messages do
   * not move it, so a message stored while the socket was joining is never skipped.
   */
  lastId: string;
  /** The conversation was read once: messages read after that count as unread. */
  loaded: boolean;
  /** Message ids shown. */
  seen: Set<string>;
}

export function initialModel(session: Stored | null): Model {
  return {
    phase: 'closed',
    init: null,
    user: null,
    session,
    open: false,
    unread: 0,
    lastId: '',
    loaded: false,
    seen: new Set(),
  };
}
