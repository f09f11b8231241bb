// Sending a reply or an internal note: its options (note, Cc/Bcc), the checks before
// sending, and what happens after. A failed send keeps the text (and the stored draft).

import { useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { Message, NewMessageRequest } from '../api/types';
import type { Attachments } from '../components/AttachFiles';
import type { Draft } from './useDraft';

/** Addresses typed into a Cc or Bcc box: separated by commas, semicolons or spaces. */
export function addresses(raw: string): string[] {
  return raw
    .split(/[,;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** Why the reply cannot be sent yet, or null. */
export function replyProblem(r: { text: string; internal: boolean; uploading: boolean }): string | null {
  if (!r.text.trim()) return r.internal ? 'Write a note first.' : 'Write a reply first.';
  if (r.uploading) return 'Wait until the files have uploaded.';
  return null;
}

/** The request body: copies only on an emailed reply (never on a note), and only the
 * fields that are set. */
export function replyRequest(r: {
  text: string;
  internal: boolean;
  email: boolean;
  cc: string;
  bcc: string;
  attachmentIds: string[];
}): NewMessageRequest {
  const copies = r.email && !r.internal ? { cc: addresses(r.cc), bcc: addresses(r.bcc) } : { cc: [], bcc: [] };
  return {
    content: r.text,
    internal: r.internal,
    ...(r.attachmentIds.length ? { attachmentIds: r.attachmentIds } : {}),
    ...(copies.cc.length ? { cc: copies.cc } : {}),
    ...(copies.bcc.length ? { bcc: copies.bcc } : {}),
  };
}

export interface ReplyOptions {
  ticketId: string;
  /** An email ticket: replies may carry copies. */
  email: boolean;
  draft: Draft;
  attachments: Attachments;
  /** Called as sending starts (typing ends then). */
  onStart: () => void;
  onSent: (m: Message) => void;
}

export function useReply({ ticketId, email, draft, attachments, onStart, onSent }: ReplyOptions) {
  const [internal, setInternal] = useState(false);
  const [showCopies, setShowCopies] = useState(false);
  const [cc, setCc] = useState('');
  const [bcc, setBcc] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async (e?: Event) => {
    e?.preventDefault();
    if (busy) return;
    const problem = replyProblem({ text: draft.text, internal, uploading: attachments.uploading });
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    onStart();
    try {
      const m = await api.sendMessage(
        ticketId,
        replyRequest({ text: draft.text, internal, email, cc, bcc, attachmentIds: attachments.ids }),
      );
      draft.clear();
      setCc('');
      setBcc('');
      setShowCopies(false);
      attachments.clear();
      onSent(m);
    } catch (err) {
      // The text stays in the box (and in the stored draft): nothing typed is lost.
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return { internal, setInternal, showCopies, setShowCopies, cc, setCc, bcc, setBcc, busy, error, send };
}
