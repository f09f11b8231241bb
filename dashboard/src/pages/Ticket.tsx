// One ticket: the thread (oldest first, live, deduplicated by id), the reply box with
// its internal-note toggle and typing indicator, the ticket's controls and its customer.

import { Snooze } from '../components/Snooze';
import { Component } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { all, api, describe } from '../api/client';
import {
  PRIORITIES,
  STATUSES,
  ticketNumber,
  type Attachment,
  type EmailDelivery,
  type Message,
  type Team,
  type Ticket,
  type TicketSummary,
  type TicketPatch,
  type User,
} from '../api/types';
import { live } from '../live';
import { Link } from '../router';
import { can, forgetViewers, me, rememberUsers, ticketViewers, userAvatars, userNames } from '../state';
import { Avatar, ErrorText, useTitle } from '../components/ui';
import { AttachButton, AttachedList, useAttachments } from '../components/AttachFiles';
import { useSavedReplyPicker } from '../components/SavedReplyPicker';
import { bytes, titleCase, when } from '../format';
import { sanitizeHtml } from '../sanitize';
import { SlaBadge } from '../components/SlaBadge';

const TYPING_THROTTLE_MS = 3000;
const TYPING_IDLE_MS = 5000;
const DRAFT_KEY = (id: string) => `wrrk.draft.${id}`;

// ---------------------------------------------------------------------------------------
// Thread

const sanitized = new Map<string, string>();
function safeHtml(m: Message, html: string): string {
  let s = sanitized.get(m.id);
  if (s === undefined) {
    s = sanitizeHtml(html);
    sanitized.set(m.id, s);
  }
  return s;
}

const AUTHOR_LABEL = { CUSTOMER: 'Customer', AGENT: 'Agent', SYSTEM: 'System' } as const;

function AttachmentItem({ a }: { a: Attachment }) {
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setError(null);
    try {
      // A short-lived URL; the file comes as a download, so the page stays.
      const link = await api.attachment(a.id);
      window.location.assign(link.url);
    } catch (e) {
      setError(describe(e));
    }
  };
  return (
    <li>
      <button type="button" class="link" onClick={() => void download()} aria-label={`Download ${a.filename}`}>
        {a.filename}
      </button>{' '}
      <span class="muted">
        {a.contentType} · {bytes(a.size)}
      </span>
      {error && (
        <span role="alert" class="error">
          {' '}
          {error}
        </span>
      )}
    </li>
  );
}

const SHORT_REASON = 120;

/** Where an emailed reply stands; it moves live (`message:updated`). */
function DeliveryState({ d }: { d: EmailDelivery }) {
  const reason = d.error || 'the mail service refused it';
  // Mail services explain at length: the start of it inline, the whole on request.
  const long = reason.length > SHORT_REASON;
  const text =
    d.state === 'sent'
      ? 'Sent'
      : d.state === 'sending'
        ? 'Sending…'
        : `Failed: ${long ? `${reason.slice(0, SHORT_REASON)}…` : reason}`;
  return (
    <div class={`delivery delivery-${d.state}`}>
      <p>
        <span aria-hidden="true">✉ </span>
        <span class="sr-only">Email: </span>
        {text}
        {d.state === 'failed' && d.nextAttemptAt && (
          <span class="muted"> · next attempt {when(d.nextAttemptAt)}</span>
        )}
      </p>
      {d.state === 'failed' && long && (
        <details>
          <summary>Full reason</summary>
          <pre>{reason}</pre>
        </details>
      )}
    </div>
  );
}

/** Re-renders only when its message object changes (long threads stay cheap to update). */
class MessageItem extends Component<{ m: Message }> {
  shouldComponentUpdate(next: { m: Message }) {
    return next.m !== this.props.m;
  }
  render() {
    return <MessageView m={this.props.m} />;
  }
}

function MessageView({ m }: { m: Message }) {
  const mail = m.email;
  const kind = AUTHOR_LABEL[m.authorType] ?? m.authorType;
  const label = m.internal ? `Internal note from ${m.authorName}` : `${kind} message from ${m.authorName}`;
  const files = (mail?.attachments ?? []).filter((a) => !a.inline);
  const delivery = mail?.delivery;
  return (
    <article class={`msg author-${m.authorType.toLowerCase()}${m.internal ? ' internal' : ''}`} aria-label={label}>
      <header>
        <strong>{m.authorName}</strong>
        {mail?.from && <span class="muted">&lt;{mail.from}&gt;</span>}
        <span class="tag">{kind}</span>
        {m.internal && <span class="tag note">Internal note</span>}
        {mail?.kind === 'AUTO_REPLY' && <span class="tag warn">Auto-reply</span>}
        {mail?.kind === 'BOUNCE' && <span class="tag warn">Bounced</span>}
        <time dateTime={m.createdAt}>{when(m.createdAt)}</time>
      </header>
      {mail?.html ? (
        <div class="body html" dangerouslySetInnerHTML={{ __html: safeHtml(m, mail.html) }} />
      ) : (
        <div class="body text">{m.content}</div>
      )}
      {!!(mail?.cc?.length || mail?.bcc?.length) && (
        <p class="muted copies">
          {!!mail?.cc?.length && <span>Cc: {mail.cc.join(', ')}</span>}
          {!!mail?.cc?.length && !!mail?.bcc?.length && ' · '}
          {!!mail?.bcc?.length && <span>Bcc: {mail.bcc.join(', ')}</span>}
        </p>
      )}
      {delivery && <DeliveryState d={delivery} />}
      {files.length > 0 && (
        <ul class="attachments" aria-label="Attachments">
          {files.map((a) => (
            <AttachmentItem key={a.id} a={a} />
          ))}
        </ul>
      )}
    </article>
  );
}

// ---------------------------------------------------------------------------------------
// Typing indicator (its own state, so the thread does not re-render)

function Typing({ ticketId }: { ticketId: string }) {
  const [typists, setTypists] = useState<Map<string, { name: string; until: number }>>(new Map());
  useEffect(() => {
    const off1 = live.on('typing:indicator', (d) => {
      if (d.ticketId !== ticketId || d.userId === me.value?.id) return;
      setTypists((cur) => {
        const m = new Map(cur);
        if (d.typing) {
          const until = d.expiresAt ? Date.parse(d.expiresAt) : Date.now() + 8000;
          m.set(d.userId, { name: d.name, until: Number.isNaN(until) ? Date.now() + 8000 : until });
        } else m.delete(d.userId);
        return m;
      });
    });
    const off2 = live.on('message:new', (msg) => {
      if (msg.ticketId !== ticketId || !msg.authorId) return;
      setTypists((cur) => {
        if (!cur.has(msg.authorId!)) return cur;
        const m = new Map(cur);
        m.delete(msg.authorId!);
        return m;
      });
    });
    return () => {
      off1();
      off2();
    };
  }, [ticketId]);
  const anyTyping = typists.size > 0;
  useEffect(() => {
    if (!anyTyping) return;
    const t = setInterval(() => {
      const now = Date.now();
      setTypists((cur) => {
        const m = new Map([...cur].filter(([, v]) => v.until > now));
        return m.size === cur.size ? cur : m;
      });
    }, 1000);
    return () => clearInterval(t);
  }, [anyTyping]);
  const names = [...typists.values()].map((v) => v.name);
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
  return (
    <p class="typing" aria-live="polite">
      {text}
    </p>
  );
}

// ---------------------------------------------------------------------------------------
// Who else is viewing (state.ts keeps the latest snapshot per followed ticket)

function Viewers({ ticketId }: { ticketId: string }) {
  const snap = ticketViewers.value.get(ticketId);
  // Offline, the list would be stale: the acknowledgement after the reconnect refreshes it.
  if (!snap || live.status.value !== 'online') return null;
  const others = snap.viewers.filter((v) => v.userId !== me.value?.id);
  if (others.length === 0) return null;
  return (
    <div class="viewers">
      <span class="muted" aria-hidden="true">
        Also viewing
      </span>
      <ul aria-label={`Also viewing: ${others.map((v) => v.name).join(', ')}`}>
        {others.map((v) => (
          <li key={v.userId} class="viewer" title={`${v.name} has this ticket open`}>
            <Avatar name={v.name} url={userAvatars.value.get(v.userId)} /> {v.name}
          </li>
        ))}
      </ul>
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// Reply box (its own state: keystrokes never re-render the thread)

/** Addresses typed into a Cc or Bcc box: separated by commas, semicolons or spaces. */
function addresses(raw: string): string[] {
  return raw
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

function Composer({ ticketId, email, onSent }: { ticketId: string; email: boolean; onSent: (m: Message) => void }) {
  const [text, setText] = useState(() => {
    try {
      return localStorage.getItem(DRAFT_KEY(ticketId)) ?? '';
    } catch {
      return '';
    }
  });
  const [internal, setInternal] = useState(false);
  const [showCopies, setShowCopies] = useState(false);
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attachments = useAttachments(ticketId);
  const lastStart = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useSavedReplyPicker(ticketId, (start, end, filled) => {
    const el = box.current;
    const current = el?.value ?? text;
    const next = current.slice(0, start) + filled + current.slice(end);
    onInput(next);
    const caret = start + filled.length;
    requestAnimationFrame(() => {
      if (!box.current) return;
      box.current.focus();
      box.current.setSelectionRange(caret, caret);
    });
  });

  const stopTyping = useCallback(() => {
    clearTimeout(idle.current);
    if (lastStart.current) {
      live.send('typing:stop', ticketId);
      lastStart.current = 0;
    }
  }, [ticketId]);
  // Leaving the ticket (or the page) ends this tab's typing on it.
  useEffect(() => stopTyping, [stopTyping]);

  const onInput = (value: string) => {
    setText(value);
    try {
      if (value) localStorage.setItem(DRAFT_KEY(ticketId), value);
      else localStorage.removeItem(DRAFT_KEY(ticketId));
    } catch {
      /* drafts are kept in memory only */
    }
    if (!value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - lastStart.current >= TYPING_THROTTLE_MS) {
      live.send('typing:start', ticketId);
      lastStart.current = now;
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const send = async (e?: Event) => {
    e?.preventDefault();
    if (busy) return;
    if (!text.trim()) {
      setError(internal ? 'Write a note first.' : 'Write a reply first.');
      return;
    }
    if (attachments.uploading) {
      setError('Wait until the files have uploaded.');
      return;
    }
    setBusy(true);
    setError(null);
    stopTyping();
    try {
      const attachmentIds = attachments.ids;
      const copies = email && !internal ? { cc: addresses(cc), bcc: addresses(bcc) } : { cc: [], bcc: [] };
      const m = await api.sendMessage(ticketId, {
        content: text,
        internal,
        ...(attachmentIds.length ? { attachmentIds } : {}),
        ...(copies.cc.length ? { cc: copies.cc } : {}),
        ...(copies.bcc.length ? { bcc: copies.bcc } : {}),
      });
      setText('');
      setCc('');
      setBcc('');
      setShowCopies(false);
      attachments.clear();
      try {
        localStorage.removeItem(DRAFT_KEY(ticketId));
      } catch {
        /* nothing stored */
      }
      onSent(m);
    } catch (err) {
      // The text stays in the box (and in the stored draft): nothing typed is lost.
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  const label = internal ? 'Internal note' : 'Reply to customer';
  return (
    <form class={`composer${internal ? ' internal' : ''}`} onSubmit={send} aria-label="Reply">
      {email && !internal && showCopies && (
        <div class="row copies">
          <label class="field">
            <span class="label">Cc</span>
            <input type="text" value={cc} placeholder="name@example.com, …" onInput={(e) => setCc(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="label">Bcc</span>
            <input type="text" value={bcc} onInput={(e) => setBcc(e.currentTarget.value)} />
          </label>
        </div>
      )}
      <label class="field">
        <span class="label">{label}</span>
        <textarea
          ref={box}
          value={text}
          rows={4}
          onInput={(e) => {
            onInput(e.currentTarget.value);
            picker.update(e.currentTarget.value, e.currentTarget.selectionStart);
          }}
          onBlur={() => {
            stopTyping();
            picker.close();
          }}
          onKeyDown={(e) => {
            if (picker.onKeyDown(e)) {
              e.preventDefault();
              return;
            }
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send(e);
          }}
          aria-describedby="composer-hint"
          {...picker.textareaProps}
        />
      </label>
      {picker.view}
      <AttachedList attachments={attachments} />
      <ErrorText error={error} />
      <div class="composer-bar">
        <AttachButton attachments={attachments} disabled={busy} />
        {email && !internal && !showCopies && (
          <button type="button" onClick={() => setShowCopies(true)}>
            Cc/Bcc
          </button>
        )}
        <label class="check">
          <input type="checkbox" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} />
          Internal note
        </label>
        <span id="composer-hint" class="hint">
          {internal ? 'Only your team sees notes.' : 'The customer sees replies.'} Type / for saved replies. Ctrl+Enter sends.
        </span>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : internal ? 'Add note' : 'Send reply'}
        </button>
      </div>
    </form>
  );
}

// ---------------------------------------------------------------------------------------
// Controls

function Controls({ ticket, onChange }: { ticket: Ticket; onChange: (t: Ticket) => void }) {
  const [users, setUsers] = useState<User[]>([]);
  const [teams, setTeams] = useState<Team[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [tag, setTag] = useState('');
  const canAssign = can('tickets:assign');
  const meId = me.value!.id;

  useEffect(() => {
    if (canAssign)
      all((cursor) => api.users({ limit: 100, cursor }), 1000).then(
        (u) => {
          setUsers(u.filter((x) => x.active));
          rememberUsers(u);
        },
        () => undefined,
      );
    api.teams({ limit: 100 }).then((p) => setTeams(p.data), () => undefined);
  }, [canAssign]);

  const patch = async (p: TicketPatch) => {
    setSaving(true);
    setError(null);
    try {
      onChange(await api.updateTicket(ticket.id, p));
    } catch (e) {
      setError(describe(e));
    } finally {
      setSaving(false);
    }
  };

  const assigneeName = (id: string) =>
    ticket.assignee?.id === id ? ticket.assignee.name : userNames.value.get(id) ?? 'Someone else';
  const current = ticket.assigneeId ?? '';
  // Without tickets:assign an agent may take an unassigned ticket, or give back their own;
  // a colleague's ticket stays theirs.
  const colleagues = !canAssign && !!current && current !== meId;
  const assigneeOptions: { value: string; label: string; disabled?: boolean }[] = canAssign
    ? [
        { value: '', label: 'Unassigned' },
        ...users.map((u) => ({ value: u.id, label: u.id === meId ? `${u.name} (me)` : u.name })),
      ]
    : [
        { value: '', label: 'Unassigned', disabled: colleagues },
        { value: meId, label: `${me.value!.name} (me)`, disabled: colleagues },
      ];
  if (current && !assigneeOptions.some((o) => o.value === current))
    assigneeOptions.push({ value: current, label: assigneeName(current), disabled: !canAssign });

  const addTag = (e: Event) => {
    e.preventDefault();
    const t = tag.trim().toLowerCase();
    if (!t || ticket.tags.includes(t)) return;
    void patch({ tags: [...ticket.tags, t] }).then(() => setTag(''));
  };

  return (
    <section class="panel controls" aria-labelledby="controls-heading" aria-busy={saving}>
      <h2 id="controls-heading">Ticket</h2>
      <label class="field">
        <span class="label">Status</span>
        <select value={ticket.status} onChange={(e) => void patch({ status: e.currentTarget.value as Ticket['status'] })}>
          {STATUSES.map((s) => (
            <option value={s}>{titleCase(s)}</option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="label">Priority</span>
        <select
          value={ticket.priority}
          onChange={(e) => void patch({ priority: e.currentTarget.value as Ticket['priority'] })}
        >
          {PRIORITIES.map((s) => (
            <option value={s}>{titleCase(s)}</option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="label">Assignee</span>
        <select
          value={current}
          disabled={colleagues}
          aria-describedby={colleagues ? 'assignee-hint' : undefined}
          onChange={(e) => void patch({ assigneeId: e.currentTarget.value || null })}
        >
          {assigneeOptions.map((o) => (
            <option value={o.value} disabled={o.disabled}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {colleagues && (
        <p id="assignee-hint" class="hint">
          A colleague has this ticket; a supervisor, manager or admin can reassign it.
        </p>
      )}
      <label class="field">
        <span class="label">Team</span>
        <select value={ticket.teamId ?? ''} onChange={(e) => void patch({ teamId: e.currentTarget.value || null })}>
          <option value="">No team</option>
          {teams.map((t) => (
            <option value={t.id}>{t.name}</option>
          ))}
          {ticket.teamId && !teams.some((t) => t.id === ticket.teamId) && (
            <option value={ticket.teamId}>Current team</option>
          )}
        </select>
      </label>
      <div class="field">
        <span class="label" id="tags-label">
          Tags
        </span>
        <ul class="tags" aria-labelledby="tags-label">
          {ticket.tags.length === 0 && <li class="muted">No tags</li>}
          {ticket.tags.map((t) => (
            <li key={t} class="chip">
              {t}
              <button
                type="button"
                class="icon"
                aria-label={`Remove tag ${t}`}
                onClick={() => void patch({ tags: ticket.tags.filter((x) => x !== t) })}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <form class="inline-form" onSubmit={addTag}>
          <input aria-label="New tag" value={tag} maxLength={40} onInput={(e) => setTag(e.currentTarget.value)} />
          <button type="submit">Add tag</button>
        </form>
      </div>
      <ErrorText error={error} />
    </section>
  );
}

function CustomerPanel({ ticket }: { ticket: Ticket }) {
  const [others, setOthers] = useState<TicketSummary[] | null>(null);
  useEffect(() => {
    api.tickets({ customer: ticket.customerId, limit: 20 }).then(
      (p) => setOthers(p.data.filter((t) => t.id !== ticket.id)),
      () => setOthers([]),
    );
  }, [ticket.customerId, ticket.id]);
  const c = ticket.customer;
  return (
    <section class="panel" aria-labelledby="customer-heading">
      <h2 id="customer-heading">Customer</h2>
      {c ? (
        <dl class="facts">
          <dt>Name</dt>
          <dd>
            <Link href={`/contacts/${ticket.customerId}`}>{c.name}</Link>
          </dd>
          <dt>Email</dt>
          <dd>
            {c.email.endsWith('@visitors.wrrk.invalid') ? (
              <span class="muted">None proven</span>
            ) : (
              <a href={`mailto:${c.email}`}>{c.email}</a>
            )}
          </dd>
          {c.unverifiedEmail && (
            <>
              <dt>Unverified email</dt>
              <dd>
                {c.unverifiedEmail} <span class="muted">(typed in the chat, not proven: replies are not mailed)</span>
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p class="muted">Unknown customer.</p>
      )}
      <h3>Other tickets</h3>
      {others === null ? (
        <p class="muted">Loading…</p>
      ) : others.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="other-tickets" aria-label="Other tickets of this customer">
          {others.map((t) => (
            <li key={t.id}>
              <Link href={`/tickets/${t.id}`}>
                {ticketNumber(t)} {t.subject}
              </Link>{' '}
              <span class="muted">{titleCase(t.status)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------
// Page

export function TicketPage({ id }: { id: string }) {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loadingThread, setLoadingThread] = useState(true);
  const byId = useRef(new Map<string, Message>());
  const loaded = useRef<Promise<void> | null>(null);
  useTitle(ticket ? `${ticketNumber(ticket)} ${ticket.subject}` : 'Ticket');

  const show = () =>
    setMessages([...byId.current.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));

  /** Adds messages, never twice (by id), oldest first (ids are ULIDs). */
  const add = (list: Message[], render = true) => {
    let changed = false;
    for (const m of list) {
      if (m.ticketId && m.ticketId !== id) continue;
      if (!byId.current.has(m.id)) {
        changed = true;
        byId.current.set(m.id, m);
      }
    }
    if (changed && render) show();
  };

  /** Sets messages by id, replacing what was there (a changed message, a POST's answer). */
  const put = (list: Message[]) => {
    for (const m of list) if (!m.ticketId || m.ticketId === id) byId.current.set(m.id, m);
    show();
  };

  const lastId = () => {
    let last = '';
    for (const k of byId.current.keys()) if (k > last) last = k;
    return last;
  };

  const catchUp = async () => {
    await loaded.current;
    const after = lastId();
    try {
      const fresh = await all((cursor) => api.messages(id, { after: after || undefined, limit: 100, cursor }));
      add(fresh);
      setTicket(await api.ticket(id));
    } catch {
      /* the next event or reconnect tries again */
    }
  };

  /** Takes a list summary's fields into the ticket shown (the rest stays as loaded). */
  const applySummary = (t: TicketSummary) =>
    setTicket((old) => {
      if (!old) return old;
      const next = { ...old, ...t, customer: t.customer ?? old.customer };
      if (t.assignee === undefined) {
        if (t.assigneeId !== old.assigneeId)
          next.assignee = t.assigneeId
            ? { id: t.assigneeId, name: userNames.value.get(t.assigneeId) ?? 'Someone' }
            : null;
        else next.assignee = old.assignee;
      }
      return next;
    });

  useEffect(() => {
    byId.current = new Map();
    loaded.current = (async () => {
      try {
        // The ticket (and so the reply box) shows as soon as it arrives; the thread fills
        // in page by page, oldest first.
        // The first page renders at once, the rest together when all have arrived (one
        // render of a long thread instead of one per page).
        const ticketLoaded = api.ticket(id).then(setTicket);
        let cursor: string | null = null;
        let first = true;
        do {
          const p = await api.messages(id, { limit: 100, cursor });
          add(p.data, first);
          first = false;
          cursor = p.nextCursor ?? null;
        } while (cursor);
        show();
        await ticketLoaded;
      } catch (e) {
        setError(describe(e));
      } finally {
        setLoadingThread(false);
      }
    })();
    const offs = [
      live.subscribe(id),
      live.on('ticket:subscribed', (d) => {
        if (d.ticketId === id) void catchUp();
      }),
      live.on('message:new', (m) => {
        if (m.ticketId !== id) return;
        // One event per message: it carries the ticket as it is after it (a reopen).
        const { ticket: summary, ...message } = m;
        add([message]);
        if (summary) applySummary(summary);
      }),
      live.on('message:updated', (m) => {
        if (m.ticketId === id) put([m]);
      }),
      live.on('ticket:updated', (t) => {
        if (t.id === id) applySummary(t);
      }),
    ];
    return () => {
      offs.forEach((o) => o());
      forgetViewers(id);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  if (error && !ticket)
    return (
      <>
        <h1 tabIndex={-1}>Ticket</h1>
        <ErrorText error={error} />
        <p>
          <Link href="/">Back to the inbox</Link>
        </p>
      </>
    );
  if (!ticket) return <p role="status">Loading ticket…</p>;

  return (
    <div class="ticket-page">
      <div class="thread-col">
        <p class="crumbs">
          <Link href="/">Inbox</Link> / {ticketNumber(ticket)}
        </p>
        <h1 tabIndex={-1}>
          <span class="num">{ticketNumber(ticket)}</span> {ticket.subject}
        </h1>
        <p class="meta">
          <span class={`pill status-${ticket.status.toLowerCase()}`}>{titleCase(ticket.status)}</span>{' '}
          <span class={`pill prio-${ticket.priority.toLowerCase()}`}>{titleCase(ticket.priority)}</span>{' '}
          <SlaBadge sla={ticket.sla} />{' '}
          <span class="muted">
            {titleCase(ticket.channel)} · opened {when(ticket.createdAt)}
          </span>
        </p>
        <Viewers ticketId={id} />
        <section class="thread" aria-label="Conversation" aria-busy={loadingThread}>
          {messages.map((m) => (
            <MessageItem key={m.id} m={m} />
          ))}
          {messages.length === 0 && !loadingThread && <p class="muted">No messages yet.</p>}
          {loadingThread && <p role="status">Loading messages…</p>}
        </section>
        <Typing ticketId={id} />
        <Composer ticketId={id} email={ticket.channel === 'EMAIL'} onSent={(m) => put([m])} />
      </div>
      <div class="side-col">
        <Controls ticket={ticket} onChange={setTicket} />
        <Snooze ticket={ticket} onChange={setTicket} />
        <CustomerPanel ticket={ticket} />
      </div>
    </div>
  );
}
