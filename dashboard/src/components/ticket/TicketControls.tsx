import { useState } from 'preact/hooks';
import { PRIORITIES, STATUSES, type Ticket } from '../../api/types';
import { titleCase } from '../../format';
import { useTeams } from '../../hooks/useTeams';
import { assigneeChoices, useAssignableUsers, useTicketPatch, withTag } from '../../hooks/useTicketControls';
import { can, me, userNames } from '../../state';
import { ErrorText } from '../ui';

/** Status, priority, assignee, team and tags; each change is saved at once. */
export function TicketControls({ ticket, onChange }: { ticket: Ticket; onChange: (t: Ticket) => void }) {
  const canAssign = can('tickets:assign');
  const users = useAssignableUsers(canAssign);
  const teams = useTeams();
  const { patch, saving, error } = useTicketPatch(ticket.id, onChange);
  const [tag, setTag] = useState('');
  const current = ticket.assigneeId ?? '';
  const { options, colleagues } = assigneeChoices({
    canAssign,
    me: me.value!,
    users,
    assigneeId: ticket.assigneeId,
    assigneeName: (id) =>
      ticket.assignee?.id === id ? ticket.assignee.name : userNames.value.get(id) ?? 'Someone else',
  });

  const addTag = (e: Event) => {
    e.preventDefault();
    const tags = withTag(ticket.tags, tag);
    if (tags) void patch({ tags }).then(() => setTag(''));
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
          {options.map((o) => (
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
