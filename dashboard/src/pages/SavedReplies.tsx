// Saved replies: the organization's shared ones (managed by admins and managers) and the
// agent's own. Placeholders are filled when a reply is inserted with `/` in a ticket.

import { useEffect, useState } from 'preact/hooks';
import { all, api, describe } from '../api/client';
import type { SavedReply } from '../api/types';
import { can } from '../state';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';

const PLACEHOLDERS = '{{customer.name}}, {{agent.name}}, {{ticket.number}}';

function ReplyForm({
  initial,
  canShare,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial?: SavedReply;
  canShare: boolean;
  submitLabel: string;
  onSubmit: (title: string, body: string, shared: boolean) => Promise<void>;
  onCancel?: () => void;
}) {
  const [title, setTitle] = useState(initial?.title ?? '');
  const [body, setBody] = useState(initial?.body ?? '');
  const [shared, setShared] = useState(false);
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      await onSubmit(title, body, shared);
      if (!initial) {
        setTitle('');
        setBody('');
        setShared(false);
      }
    }, describe);
  };
  return (
    <form class="stack" onSubmit={submit} aria-label={initial ? `Edit ${initial.title}` : 'New saved reply'}>
      <Field label="Title">
        <input value={title} maxLength={100} required onInput={(e) => setTitle(e.currentTarget.value)} />
      </Field>
      <Field label="Text" hint={`Placeholders: ${PLACEHOLDERS}`}>
        <textarea value={body} rows={4} required onInput={(e) => setBody(e.currentTarget.value)} />
      </Field>
      {!initial && canShare && (
        <label class="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />
          Shared with the whole organization
        </label>
      )}
      <ErrorText error={error} />
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

function ReplyList({
  heading,
  replies,
  editable,
  onSaved,
  onDeleted,
}: {
  heading: string;
  replies: SavedReply[] | null;
  editable: boolean;
  onSaved: (r: SavedReply) => void;
  onDeleted: (id: string) => void;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const { error, run } = useAction();
  const headingId = `replies-${heading.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section class="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <ErrorText error={error} />
      {replies === null ? (
        <p class="muted">Loading…</p>
      ) : replies.length === 0 ? (
        <p class="muted">None yet.</p>
      ) : (
        <ul class="saved-replies" aria-label={heading}>
          {replies.map((r) => (
            <li key={r.id}>
              {editing === r.id ? (
                <ReplyForm
                  initial={r}
                  canShare={false}
                  submitLabel="Save"
                  onSubmit={async (title, body) => {
                    onSaved(await api.updateSavedReply(r.id, { title, body }));
                    setEditing(null);
                  }}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <>
                  <h3>{r.title}</h3>
                  <p class="reply-body">{r.body}</p>
                  {editable && (
                    <div class="row">
                      <button type="button" aria-label={`Edit ${r.title}`} onClick={() => setEditing(r.id)}>
                        Edit
                      </button>
                      <button
                        type="button"
                        aria-label={`Delete ${r.title}`}
                        onClick={() => {
                          if (confirm(`Delete the saved reply “${r.title}”?`))
                            void run(async () => {
                              await api.deleteSavedReply(r.id);
                              onDeleted(r.id);
                            }, describe);
                        }}
                      >
                        Delete
                      </button>
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function SavedRepliesSettings() {
  useTitle('Saved replies');
  const canManage = can('saved_replies:manage');
  const [shared, setShared] = useState<SavedReply[] | null>(null);
  const [mine, setMine] = useState<SavedReply[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    all((cursor) => api.savedReplies({ scope: 'shared', limit: 100, cursor }), 1000).then(setShared, (e) =>
      setError(describe(e)),
    );
    all((cursor) => api.savedReplies({ scope: 'personal', limit: 100, cursor }), 1000).then(setMine, (e) =>
      setError(describe(e)),
    );
  }, []);
  const replace = (list: SavedReply[] | null, r: SavedReply) => (list ?? []).map((x) => (x.id === r.id ? r : x));
  const onSaved = (r: SavedReply) => {
    if (r.ownerId) setMine(replace(mine, r));
    else setShared(replace(shared, r));
    setNotice(`Saved “${r.title}”.`);
  };
  const onDeleted = (id: string) => {
    setMine((mine ?? []).filter((x) => x.id !== id));
    setShared((shared ?? []).filter((x) => x.id !== id));
    setNotice('Deleted.');
  };
  return (
    <>
      <h1 tabIndex={-1}>Saved replies</h1>
      <p class="muted">
        Type <kbd>/</kbd> in a ticket's reply box to insert one. Placeholders are filled for the ticket: {PLACEHOLDERS}.
      </p>
      <ErrorText error={error} />
      <Notice>{notice}</Notice>
      <section class="panel" aria-labelledby="new-reply-heading">
        <h2 id="new-reply-heading">New saved reply</h2>
        <ReplyForm
          canShare={canManage}
          submitLabel="Add saved reply"
          onSubmit={async (title, body, isShared) => {
            const r = await api.createSavedReply({ title, body, shared: isShared });
            if (r.ownerId) setMine([...(mine ?? []), r]);
            else setShared([...(shared ?? []), r]);
            setNotice(`Added “${r.title}”.`);
          }}
        />
      </section>
      <ReplyList heading="My replies" replies={mine} editable onSaved={onSaved} onDeleted={onDeleted} />
      <ReplyList
        heading="Shared replies"
        replies={shared}
        editable={canManage}
        onSaved={onSaved}
        onDeleted={onDeleted}
      />
    </>
  );
}
