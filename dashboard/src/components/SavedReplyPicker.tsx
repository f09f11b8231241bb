// Typing `/` in the reply box: the agent's own and the organization's saved replies,
// searched by title as they type (`/ref` finds "Refund policy"); Enter, Tab or a click
// inserts the reply filled for the ticket. The server fills the placeholders and returns
// plain text, which goes into the text box as text (never as markup).

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { SavedReply } from '../api/types';

/** The `/word` being typed at `caret`, if any: where it starts and the word. */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = text.slice(0, caret).match(/(^|\s)\/([^\s/]{0,100})$/);
  if (!m) return null;
  return { start: caret - m[2].length - 1, query: m[2] };
}

interface Open {
  start: number;
  end: number;
  query: string;
}

const SEARCH_DELAY_MS = 120;

export function useSavedReplyPicker(ticketId: string, insert: (start: number, end: number, text: string) => void) {
  const [open, setOpen] = useState<Open | null>(null);
  const [items, setItems] = useState<SavedReply[] | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const listId = useId();
  useEffect(() => () => clearTimeout(timer.current), []);

  const close = () => {
    seq.current++;
    clearTimeout(timer.current);
    setOpen(null);
    setItems(null);
    setError(null);
  };

  /** Call after every input or caret move. */
  const update = (text: string, caret: number) => {
    const q = slashQuery(text, caret);
    if (!q) {
      if (open) close();
      return;
    }
    if (open && open.query === q.query && open.start === q.start) return;
    setOpen({ start: q.start, end: caret, query: q.query });
    const n = ++seq.current;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const search = q.query || undefined;
      Promise.all([
        api.savedReplies({ scope: 'personal', search, limit: 10 }),
        api.savedReplies({ scope: 'shared', search, limit: 10 }),
      ]).then(
        ([mine, shared]) => {
          if (n !== seq.current) return;
          setItems([...mine.data, ...shared.data]);
          setActive(0);
          setError(null);
        },
        (e) => {
          if (n === seq.current) setError(describe(e));
        },
      );
    }, SEARCH_DELAY_MS);
  };

  const pick = async (reply: SavedReply) => {
    if (!open) return;
    const at = open;
    const n = ++seq.current;
    try {
      const rendered = await api.renderSavedReply(reply.id, ticketId);
      if (n !== seq.current) return;
      close();
      insert(at.start, at.end, rendered.text);
    } catch (e) {
      setError(describe(e));
    }
  };

  /** Keys while the list is open; true when the key was used. */
  const onKeyDown = (e: KeyboardEvent): boolean => {
    if (!open) return false;
    if (e.key === 'Escape') {
      close();
      return true;
    }
    const list = items ?? [];
    if (!list.length) return false;
    if (e.key === 'ArrowDown') setActive((active + 1) % list.length);
    else if (e.key === 'ArrowUp') setActive((active - 1 + list.length) % list.length);
    else if ((e.key === 'Enter' && !e.ctrlKey && !e.metaKey) || e.key === 'Tab') void pick(list[active]);
    else return false;
    return true;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  const expanded = !!open && !!items && items.length > 0;
  // A textarea keeps its textbox role (aria-expanded is not allowed on it): the list it
  // controls and the active option are announced through these.
  const textareaProps = {
    'aria-autocomplete': 'list' as const,
    'aria-controls': expanded ? listId : undefined,
    'aria-activedescendant': expanded ? optionId(active) : undefined,
  };

  const view = open ? (
    <div class="slash-picker">
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted" role="status">
          Searching saved replies…
        </p>
      ) : items.length === 0 ? (
        <p class="muted" role="status">
          No saved reply matches “{open.query}”.
        </p>
      ) : (
        <ul role="listbox" id={listId} aria-label="Saved replies">
          {items.map((r, i) => (
            <li
              key={r.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                // Keep the focus in the text box.
                e.preventDefault();
                void pick(r);
              }}
            >
              <span>{r.title}</span> <span class="muted">{r.ownerId ? 'Personal' : 'Shared'}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  ) : null;

  return { update, onKeyDown, close, view, textareaProps };
}
