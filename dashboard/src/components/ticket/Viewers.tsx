import { live } from '../../live';
import { me, ticketViewers, userAvatars } from '../../state';
import { Avatar } from '../ui';

/** Who else has the ticket open (state.ts keeps the latest snapshot per followed ticket). */
export function Viewers({ ticketId }: { ticketId: string }) {
  const snap = ticketViewers.value.get(ticketId);
  // Offline, the list would be stale: the acknowledgement after the reconnect refreshes it.
  if (!snap || live.status.value !== 'online') return null;
  const others = snap.viewers.filter((v) => v.userId !== me.value?.id);
  if (others.length === 0) return null;
  return (
    <div class="viewers">
      <span class="muted" aria-hidden="true">
        Also viewing
      </span>
      <ul aria-label={`Also viewing: ${others.map((v) => v.name).join(', ')}`}>
        {others.map((v) => (
          <li key={v.userId} class="viewer" title={`${v.name} has this ticket open`}>
            <Avatar name={v.name} url={userAvatars.value.get(v.userId)} /> {v.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
