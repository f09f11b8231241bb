import type { EmailDelivery } from '../../api/types';
import { when } from '../../format';

const SHORT_REASON = 120;

/** Where an emailed reply stands; it moves live (`message:updated`). */
export function DeliveryState({ d }: { d: EmailDelivery }) {
  const reason = d.error || 'the mail service refused it';
  // Mail services explain at length: the start of it inline, the whole on request.
  const long = reason.length > SHORT_REASON;
  const text =
    d.state === 'sent'
      ? 'Sent'
      : d.state === 'sending'
        ? 'Sending…'
        : `Failed: ${long ? `${reason.slice(0, SHORT_REASON)}…` : reason}`;
  return (
    <div class={`delivery delivery-${d.state}`}>
      <p>
        <span aria-hidden="true">✉ </span>
        <span class="sr-only">Email: </span>
        {text}
        {d.state === 'failed' && d.nextAttemptAt && (
          <span class="muted"> · next attempt {when(d.nextAttemptAt)}</span>
        )}
      </p>
      {d.state === 'failed' && long && (
        <details>
          <summary>Full reason</summary>
          <pre>{reason}</pre>
        </details>
      )}
    </div>
  );
}
