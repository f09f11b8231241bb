// The reply being written, kept per ticket in localStorage: a reload or another tab finds
// it; sending clears it. Where storage is refused, the draft lives in memory only.

import { useCallback, useState } from 'preact/hooks';

export const draftKey = (ticketId: string) => `wrrk.draft.${ticketId}`;

export function readDraft(ticketId: string): string {
  try {
    return localStorage.getItem(draftKey(ticketId)) ?? '';
  } catch {
    return '';
  }
}

/** Stores the draft; an empty one is removed. */
export function storeDraft(ticketId: string, text: string) {
  try {
    if (text) localStorage.setItem(draftKey(ticketId), text);
    else localStorage.removeItem(draftKey(ticketId));
  } catch {
    /* drafts are kept in memory only */
  }
}

export interface Draft {
  text: string;
  /** Sets the text and stores it. */
  set: (text: string) => void;
  /** Empties the box and forgets the stored draft (after sending). */
  clear: () => void;
}

export function useDraft(ticketId: string): Draft {
  const [text, setText] = useState(() => readDraft(ticketId));
  const set = useCallback(
    (value: string) => {
      setText(value);
      storeDraft(ticketId, value);
    },
    [ticketId],
  );
  const clear = useCallback(() => set(''), [set]);
  return { text, set, clear };
}
