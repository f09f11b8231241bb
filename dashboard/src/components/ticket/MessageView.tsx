import type { Message } from '../../api/types';
import { when } from '../../format';
import { sanitizeHtml } from '../../sanitize';
import { AttachmentItem } from './AttachmentItem';
import { DeliveryState } from './DeliveryState';

// A message's mail HTML is sanitized once (messages do not change their HTML).
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

/** One message of the thread: its author, body (mail HTML sanitized), copies, delivery, files. */
export function MessageView({ m }: { m: Message }) {
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
