// People and teams: members with roles, role changes, deactivation, invitations, teams.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { all, api, describe } from '../api/client';
import { ROLES, type Invitation, type Role, type Team, type User } from '../api/types';
import { can, me, presence, rememberUsers } from '../state';
import { outranksOrEquals } from '../perms';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';
import { titleCase, when } from '../format';
import { TeamAssignment } from '../components/TeamAssignment';

function Members({ users, onChange }: { users: User[]; onChange: (u: User) => void }) {
  const self = me.value!;
  const { error, run } = useAction();
  const mayChangeRole = can('users:change_role');
  const mayDeactivate = can('users:deactivate');
  const act = (f: () => Promise<User>) => void run(async () => onChange(await f()), describe);
  return (
    <section class="panel" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <ErrorText error={error} />
      <table class="members">
        <caption class="sr-only">Members of your organization</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            {mayDeactivate && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {users.map((u) => {
            const isSelf = u.id === self.id;
            const manageable = !isSelf && outranksOrEquals(self.role, u.role);
            const online = presence.value.has(u.id);
            return (
              <tr key={u.id}>
                <th scope="row">
                  {u.name}
                  {isSelf && <span class="muted"> (you)</span>}
                </th>
                <td>{u.email}</td>
                <td>
                  {mayChangeRole && !isSelf ? (
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      onChange={(e) => act(() => api.updateUser(u.id, { role: e.currentTarget.value as Role }))}
                    >
                      {ROLES.map((r) => (
                        <option value={r}>{titleCase(r)}</option>
                      ))}
                    </select>
                  ) : (
                    titleCase(u.role)
                  )}
                </td>
                <td>{!u.active ? 'Deactivated' : online ? 'Active · online' : 'Active'}</td>
                {mayDeactivate && (
                  <td>
                    {manageable &&
                      (u.active ? (
                        <button
                          type="button"
                          aria-label={`Deactivate ${u.name}`}
                          onClick={() => {
                            const asked =
                              `Deactivate ${u.name}? They will be signed out at once, and the conversations ` +
                              'they hold open or pending go back to their teams, unassigned.';
                            if (confirm(asked)) act(() => api.deactivateUser(u.id));
                          }}
                        >
                          Deactivate
                        </button>
                      ) : (
                        <button
                          type="button"
                          aria-label={`Reactivate ${u.name}`}
                          onClick={() => act(() => api.updateUser(u.id, { active: true }))}
                        >
                          Reactivate
                        </button>
                      ))}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Invitations() {
  const self = me.value!;
  const [list, setList] = useState<Invitation[]>([]);
  const [sent, setSent] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const { run: runListing, error: listingError } = useAction();
  const load = useCallback(
    () => void runListing(async () => setList(await all((cursor) => api.invitations({ limit: 100, cursor }))), describe),
    [runListing],
  );
  useEffect(load, [load]);
  const roles = ROLES.filter((r) => outranksOrEquals(self.role, r));
  const submit = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const email = String(d.get('email') ?? '').trim();
    setSent(null);
    void run(async () => {
      const inv = await api.invite(email, String(d.get('role')) as Role);
      setList((l) => [inv, ...l.filter((x) => x.email !== inv.email)]);
      setSent(`Invitation sent to ${inv.email}.`);
      form.reset();
    }, describe);
  };
  const revoke = (inv: Invitation) =>
    void runListing(async () => {
      await api.revokeInvitation(inv.id);
      setList((l) => l.filter((x) => x.id !== inv.id));
    }, describe);
  return (
    <section class="panel" aria-labelledby="invitations-heading">
      <h2 id="invitations-heading">Invitations</h2>
      <form class="row" onSubmit={submit} aria-label="Invite a teammate">
        <Field label="Email to invite">
          <input name="email" type="email" required />
        </Field>
        <Field label="Role">
          <select name="role">
            {roles.map((r) => (
              <option value={r} selected={r === 'AGENT'}>
                {titleCase(r)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          Send invitation
        </button>
      </form>
      <ErrorText error={error} />
      {sent && <Notice>{sent}</Notice>}
      <ErrorText error={listingError} />
      {list.length === 0 ? (
        <p class="muted">No pending invitations.</p>
      ) : (
        <ul class="list" aria-label="Pending invitations">
          {list.map((inv) => (
            <li key={inv.id}>
              <span>
                {inv.email} · {titleCase(inv.role)} <span class="muted">· expires {when(inv.expiresAt)}</span>
              </span>
              <button type="button" aria-label={`Revoke invitation for ${inv.email}`} onClick={() => revoke(inv)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TeamRow({ team, users, onDeleted }: { team: Team; users: User[]; onDeleted: () => void }) {
  const [members, setMembers] = useState<User[] | null>(null);
  const [pick, setPick] = useState('');
  const { error, run } = useAction();
  const manage = can('teams:manage');
  const load = useCallback(
    () => void run(async () => setMembers(await all((cursor) => api.teamMembers(team.id, { limit: 100, cursor }))), describe),
    [run, team.id],
  );
  useEffect(load, [load]);
  const add = (e: Event) => {
    e.preventDefault();
    if (!pick) return;
    void run(async () => {
      const u = await api.addTeamMember(team.id, pick);
      setMembers((m) => [...(m ?? []), u]);
      setPick('');
    }, describe);
  };
  const remove = (u: User) =>
    void run(async () => {
      await api.removeTeamMember(team.id, u.id);
      setMembers((m) => (m ?? []).filter((x) => x.id !== u.id));
    }, describe);
  const del = () => {
    if (!confirm(`Delete the team ${team.name}?`)) return;
    void run(async () => {
      await api.deleteTeam(team.id);
      onDeleted();
    }, describe);
  };
  const candidates = users.filter((u) => u.active && !(members ?? []).some((m) => m.id === u.id));
  return (
    <li class="team">
      <h3>
        {team.name} <span class="muted">
          · {members?.length ?? team.memberCount} member{(members?.length ?? team.memberCount) === 1 ? '' : 's'}
        </span>
      </h3>
      {team.description && <p class="muted">{team.description}</p>}
      <TeamAssignment team={team} manage={manage} />
      <ul class="list" aria-label={`Members of ${team.name}`}>
        {(members ?? []).map((u) => (
          <li key={u.id}>
            <span>{u.name}</span>
            {manage && (
              <button type="button" aria-label={`Remove ${u.name} from ${team.name}`} onClick={() => remove(u)}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {manage && (
        <div class="row">
          <form class="inline-form" onSubmit={add}>
            <select aria-label={`Add a member to ${team.name}`} value={pick} onChange={(e) => setPick(e.currentTarget.value)}>
              <option value="">Choose someone…</option>
              {candidates.map((u) => (
                <option value={u.id}>{u.name}</option>
              ))}
            </select>
            <button type="submit">Add member</button>
          </form>
          <button type="button" class="danger" onClick={del} aria-label={`Delete team ${team.name}`}>
            Delete team
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </li>
  );
}

function Teams({ users }: { users: User[] }) {
  const [teams, setTeams] = useState<Team[] | null>(null);
  const { busy, error, run } = useAction();
  const load = useCallback(
    () => void run(async () => setTeams(await all((cursor) => api.teams({ limit: 100, cursor }))), describe),
    [run],
  );
  useEffect(load, [load]);
  const create = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const name = String(d.get('name') ?? '').trim();
    const description = String(d.get('description') ?? '').trim();
    void run(async () => {
      const t = await api.createTeam(name, description || undefined);
      setTeams((l) => [...(l ?? []), t]);
      form.reset();
    }, describe);
  };
  return (
    <section class="panel" aria-labelledby="teams-heading">
      <h2 id="teams-heading">Teams</h2>
      {can('teams:manage') && (
        <form class="row" onSubmit={create} aria-label="Create a team">
          <Field label="Team name">
            <input name="name" required maxLength={100} />
          </Field>
          <Field label="Description">
            <input name="description" maxLength={500} />
          </Field>
          <button type="submit" class="primary" disabled={busy}>
            Create team
          </button>
        </form>
      )}
      <ErrorText error={error} />
      {teams && teams.length === 0 && <p class="muted">No teams yet.</p>}
      <ul class="teams">
        {(teams ?? []).map((t) => (
          <TeamRow key={t.id} team={t} users={users} onDeleted={() => setTeams((l) => (l ?? []).filter((x) => x.id !== t.id))} />
        ))}
      </ul>
    </section>
  );
}

export function TeamSettings() {
  useTitle('Team');
  const [users, setUsers] = useState<User[]>([]);
  const { error, run } = useAction();
  useEffect(() => {
    void run(async () => {
      const u = await all((cursor) => api.users({ limit: 100, cursor }), 2000);
      setUsers(u);
      rememberUsers(u);
    }, describe);
  }, [run]);
  const replace = (u: User) => setUsers((l) => l.map((x) => (x.id === u.id ? u : x)));
  return (
    <>
      <h1 tabIndex={-1}>Team</h1>
      <ErrorText error={error} />
      <Members users={users} onChange={replace} />
      {can('invitations:create') && <Invitations />}
      <Teams users={users} />
    </>
  );
}
