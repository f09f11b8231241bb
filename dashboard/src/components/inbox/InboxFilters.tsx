import { CHANNELS, PRIORITIES, STATUSES, type Team } from '../../api/types';
import { titleCase } from '../../format';
import { SlaSortSelect } from '../SlaBadge';
import { hrefFor, VIEWS, type Filters } from '../../inbox';
import { Link } from '../../router';
import { org } from '../../state';

/** The views, as links (each clears the filters). */
export function ViewLinks({ f }: { f: Filters }) {
  return (
    <nav aria-label="Views" class="views">
      {VIEWS.map((v) => (
        <Link
          key={v.id}
          href={hrefFor({ view: v.id, status: '', priority: '', channel: '', team: '', q: '', sort: f.sort })}
          aria-current={f.view === v.id ? 'page' : undefined}
        >
          {v.label}
        </Link>
      ))}
    </nav>
  );
}

/** The search box and the filters; `set` changes the URL. */
export function InboxFilters({ f, teams, set }: { f: Filters; teams: Team[]; set: (patch: Partial<Filters>) => void }) {
  const onSearch = (e: Event) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    set({ q });
  };
  return (
    <div class="filters">
      <form role="search" onSubmit={onSearch} class="search">
        <label class="field inline">
          <span class="label">Search tickets</span>
          <input
            name="q"
            type="search"
            defaultValue={f.q}
            placeholder={`Customer, subject, ${org.value?.ticketPrefix ?? 'ACME'}-0042`}
            aria-describedby="search-hint"
            key={f.q}
          />
        </label>
        <span id="search-hint" class="sr-only">
          Matches customers by name or email, subjects by their beginning in this view, or a ticket number.
        </span>
        <button type="submit">Search</button>
        {f.q && (
          <button type="button" onClick={() => set({ q: '' })}>
            Clear search
          </button>
        )}
      </form>
      <label class="field inline">
        <span class="label">Status</span>
        <select value={f.status || (f.view === 'open' ? 'OPEN' : '')} onChange={(e) => set({ status: e.currentTarget.value, view: f.view === 'open' ? 'all' : f.view })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option value={s}>{titleCase(s)}</option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span class="label">Priority</span>
        <select value={f.priority} onChange={(e) => set({ priority: e.currentTarget.value })}>
          <option value="">Any priority</option>
          {PRIORITIES.map((s) => (
            <option value={s}>{titleCase(s)}</option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span class="label">Channel</span>
        <select value={f.channel} onChange={(e) => set({ channel: e.currentTarget.value })}>
          <option value="">Any channel</option>
          {CHANNELS.map((s) => (
            <option value={s}>{titleCase(s)}</option>
          ))}
        </select>
      </label>
      <label class="field inline">
        <span class="label">Team</span>
        <select value={f.team} onChange={(e) => set({ team: e.currentTarget.value })}>
          <option value="">Any team</option>
          {teams.map((t) => (
            <option value={t.id}>{t.name}</option>
          ))}
        </select>
      </label>
      <SlaSortSelect value={f.sort} onChange={(sort) => set({ sort })} />
    </div>
  );
}
