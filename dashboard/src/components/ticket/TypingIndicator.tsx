import { typingSentence, useTypists } from '../../hooks/useTyping';

/** Who else is typing (its own state, so the thread does not re-render). */
export function TypingIndicator({ ticketId }: { ticketId: string }) {
  const names = useTypists(ticketId);
  return (
    <p class="typing" aria-live="polite">
      {typingSentence(names)}
    </p>
  );
}
