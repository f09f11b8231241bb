// The widget's small decisions, as pure functions (unit-tested in tests/unit).

/** Reconnect delay after `retry` failed attempts: 0.5 s doubling up to 30 s, with jitter
 *  (`random` in [0, 1) scales it to between half and all of that). */
export function backoff(retry: number, random: number): number {
  return Math.min(30_000, 500 * 2 ** retry) * (0.5 + random / 2);
}

/** The retry count after one more failed attempt (capped: the delay is capped anyway). */
export const nextRetry = (retry: number) => Math.min(retry + 1, 8);

/** The unread badge's text. */
export const badgeText = (unread: number) => (unread > 9 ? '9+' : String(unread));

/** Whether a failed send is worth sending again with the same client id: the answer was
 *  lost (status 0) or the server failed (5xx). */
export const transient = (status: number) => status === 0 || status >= 500;

/** How long to wait before retry `attempt` (0-based) of a send. */
export const sendDelay = (attempt: number) => 300 * 2 ** attempt;

/** Sends are retried this many times before the visitor is told. */
export const SEND_ATTEMPTS = 5;

/** A plausible email address (the server decides; this only catches typos early). */
export const plausibleEmail = (s: string) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s);

/** What the visitor is told when a send fails. */
export type SendFailure = { kind: 'slow'; seconds: number } | { kind: 'refused' } | { kind: 'session' } | { kind: 'failed' };

export function sendFailure(status: number, retryAfter: number): SendFailure {
  if (status === 429) return { kind: 'slow', seconds: retryAfter || 30 };
  if (status === 403) return { kind: 'refused' };
  if (status === 401) return { kind: 'session' };
  return { kind: 'failed' };
}

/** Whether the visitor is asked for an email before their first message. */
export function emailWanted(hasSession: boolean, askEmail: boolean, userEmail?: string): boolean {
  return !hasSession && askEmail && !userEmail;
}

/** A random client message id (32 hex digits). */
export function randomId(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Whether the typing indicator goes out now: at most once every 3 s while typing. */
export const typingDue = (now: number, lastSent: number) => now - lastSent > 3000;
