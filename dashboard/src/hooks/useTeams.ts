import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { Team } from '../api/types';

/** The organization's teams (the first 100), for pickers and filters; none if they fail to load. */
export function useTeams(): Team[] {
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    api.teams({ limit: 100 }).then(
      (p) => setTeams(p.data),
      () => undefined,
    );
  }, []);
  return teams;
}
