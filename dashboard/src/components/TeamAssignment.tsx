// A team's assignment rule: manual, or round robin among its online agents under a cap of
// open conversations each. Managers and admins change it; everyone else sees it.

import { useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import { ASSIGNMENT_MODES, type AssignmentMode, type Team } from '../api/types';
import { ErrorText, Notice, useAction } from './ui';

const MODE_LABELS: Record<AssignmentMode, string> = {
  MANUAL: 'Manual',
  ROUND_ROBIN: 'Round robin',
};

export function TeamAssignment({ team, manage }: { team: Team; manage: boolean }) {
  const [mode, setMode] = useState<AssignmentMode>(team.assignmentMode);
  const [cap, setCap] = useState(String(team.maxOpenPerAgent));
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  if (!manage) {
    return (
      <p class="muted">
        Assignment: {MODE_LABELS[team.assignmentMode]}
        {team.assignmentMode === 'ROUND_ROBIN' && `, at most ${team.maxOpenPerAgent} open per agent`}
      </p>
    );
  }
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void run(async () => {
      const t = await api.updateTeam(team.id, { assignmentMode: mode, maxOpenPerAgent: Number(cap) });
      setMode(t.assignmentMode);
      setCap(String(t.maxOpenPerAgent));
      setSaved(true);
    }, describe);
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-label={`Assignment of ${team.name}`}>
      <label class="field">
        <span class="label">Assignment</span>
        <select value={mode} onChange={(e) => setMode(e.currentTarget.value as AssignmentMode)}>
          {ASSIGNMENT_MODES.map((m) => (
            <option value={m}>{MODE_LABELS[m]}</option>
          ))}
        </select>
      </label>
      <label class="field">
        <span class="label">Most open conversations per agent</span>
        <input
          type="number"
          min={1}
          max={100}
          required
          value={cap}
          onInput={(e) => setCap(e.currentTarget.value)}
        />
      </label>
      <button type="submit" disabled={busy}>
        Save assignment
      </button>
      <ErrorText error={error} />
      {saved && <Notice>Assignment saved.</Notice>}
    </form>
  );
}
