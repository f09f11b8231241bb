// What the widget's status line says: online, away, or (out of business hours) when the
// team is back, in the visitor's own language and time zone.

import type { Init } from './api';
import { fill, type Words } from './i18n';

/** The status line for `init`: out of hours wins over agents online. */
export function statusText(init: Init, t: Words, locales: readonly string[]): string {
  const a = init.availability;
  if (!a.open) {
    if (!a.backAt) return t.closed;
    const at = new Date(a.backAt);
    const when = new Intl.DateTimeFormat(locales.length ? [...locales] : undefined, {
      weekday: 'long',
      hour: 'numeric',
      minute: '2-digit',
    }).format(at);
    return fill(t.backAt, { when });
  }
  return init.agentsOnline ? t.online : t.away;
}
