// The reply box: its own state (keystrokes never re-render the thread), the stored draft,
// typing signals, saved replies with `/`, files, Cc/Bcc on email tickets, internal notes.

import { useRef } from 'preact/hooks';
import type { Message } from '../../api/types';
import { useDraft } from '../../hooks/useDraft';
import { useReply } from '../../hooks/useReply';
import { useTypingSignal } from '../../hooks/useTyping';
import { AttachButton, AttachedList, useAttachments } from '../AttachFiles';
import { useSavedReplyPicker } from '../SavedReplyPicker';
import { ErrorText } from '../ui';

export function ReplyBox({ ticketId, email, onSent }: { ticketId: string; email: boolean; onSent: (m: Message) => void }) {
  const draft = useDraft(ticketId);
  const typing = useTypingSignal(ticketId);
  const attachments = useAttachments(ticketId);
  const reply = useReply({ ticketId, email, draft, attachments, onStart: typing.stop, onSent });
  const { internal, showCopies, busy } = reply;
  const box = useRef<HTMLTextAreaElement>(null);

  const onInput = (value: string) => {
    draft.set(value);
    typing.typed(value);
  };
  const picker = useSavedReplyPicker(ticketId, (start, end, filled) => {
    const el = box.current;
    const current = el?.value ?? draft.text;
    const next = current.slice(0, start) + filled + current.slice(end);
    onInput(next);
    const caret = start + filled.length;
    requestAnimationFrame(() => {
      if (!box.current) return;
      box.current.focus();
      box.current.setSelectionRange(caret, caret);
    });
  });

  const label = internal ? 'Internal note' : 'Reply to customer';
  return (
    <form class={`composer${internal ? ' internal' : ''}`} onSubmit={reply.send} aria-label="Reply">
      {email && !internal && showCopies && (
        <div class="row copies">
          <label class="field">
            <span class="label">Cc</span>
            <input
              type="text"
              value={reply.cc}
              placeholder="name@example.com, …"
              onInput={(e) => reply.setCc(e.currentTarget.value)}
            />
          </label>
          <label class="field">
            <span class="label">Bcc</span>
            <input type="text" value={reply.bcc} onInput={(e) => reply.setBcc(e.currentTarget.value)} />
          </label>
        </div>
      )}
      <label class="field">
        <span class="label">{label}</span>
        <textarea
          ref={box}
          value={draft.text}
          rows={4}
          onInput={(e) => {
            onInput(e.currentTarget.value);
            picker.update(e.currentTarget.value, e.currentTarget.selectionStart);
          }}
          onBlur={() => {
            typing.stop();
            picker.close();
          }}
          onKeyDown={(e) => {
            if (picker.onKeyDown(e)) {
              e.preventDefault();
              return;
            }
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void reply.send(e);
          }}
          aria-describedby="composer-hint"
          {...picker.textareaProps}
        />
      </label>
      {picker.view}
      <AttachedList attachments={attachments} />
      <ErrorText error={reply.error} />
      <div class="composer-bar">
        <AttachButton attachments={attachments} disabled={busy} />
        {email && !internal && !showCopies && (
          <button type="button" onClick={() => reply.setShowCopies(true)}>
            Cc/Bcc
          </button>
        )}
        <label class="check">
          <input type="checkbox" checked={internal} onChange={(e) => reply.setInternal(e.currentTarget.checked)} />
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
