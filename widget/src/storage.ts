// What survives a reload, in localStorage: the session (`wrrk:<widgetKey>`), the sends
// not yet confirmed (`wrrk:<widgetKey>:out`) and a survey asked but not answered
// (`wrrk:<widgetKey>:survey`). Storage may be blocked: then the session lasts as long as
// the page.

export interface User {
  id: string;
  email?: string;
  name?: string;
  hash: string;
}

export interface Stored {
  token: string;
  ticketId: string;
  userId?: string;
}

/** A sent message not yet confirmed by the server (kept across a reload, sent again). */
export interface Out {
  clientId: string;
  content: string;
  ticketId: string;
}

/** A satisfaction survey asked in the chat and not answered yet (asked again after a
 * reload). */
export interface PendingSurvey {
  surveyId: string;
  ticketId: string;
}

type Backend = Pick<globalThis.Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A stored session, if `v` is one. */
export function asStored(v: unknown): Stored | null {
  const s = v as Stored | null;
  return s && typeof s === 'object' && typeof s.token === 'string' && s.token ? s : null;
}

/** A stored pending survey, if `v` is one. */
export function asSurvey(v: unknown): PendingSurvey | null {
  const p = v as PendingSurvey | null;
  return p && typeof p === 'object' && typeof p.surveyId === 'string' && typeof p.ticketId === 'string' ? p : null;
}

/** A stored outbox (a list), else empty. */
export function asOutbox(v: unknown): Out[] {
  return Array.isArray(v) ? (v as Out[]) : [];
}

export class Store {
  readonly key: string;
  private readonly outKey: string;
  private readonly surveyKey: string;

  constructor(
    widgetKey: string,
    private readonly backend: () => Backend = () => localStorage,
  ) {
    this.key = `wrrk:${widgetKey}`;
    this.outKey = `${this.key}:out`;
    this.surveyKey = `${this.key}:survey`;
  }

  private read(k: string): unknown {
    try {
      return JSON.parse(this.backend().getItem(k) || 'null');
    } catch {
      return null;
    }
  }

  private write(k: string, v: unknown) {
    try {
      if (v) this.backend().setItem(k, JSON.stringify(v));
      else this.backend().removeItem(k);
    } catch {
      /* storage blocked: the session lasts as long as the page */
    }
  }

  load = (): Stored | null => asStored(this.read(this.key));
  save = (s: Stored | null) => this.write(this.key, s);
  outbox = (): Out[] => asOutbox(this.read(this.outKey));
  setOutbox = (o: Out[]) => this.write(this.outKey, o.length ? o : null);
  survey = (): PendingSurvey | null => asSurvey(this.read(this.surveyKey));
  setSurvey = (p: PendingSurvey | null) => this.write(this.surveyKey, p);
}
