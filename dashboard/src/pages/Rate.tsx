// The page a mailed rating link opens (public, no sign-in): the rating chosen in the mail
// is preselected and one click sends it, with an optional comment. The link itself never
// rates (mail scanners follow links); this page's POST does.

import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, describe } from '../api/client';
import type { SurveyView } from '../api/types';
import { param } from '../router';
import { ErrorText, Field, useAction, useTitle } from '../components/ui';

const LABELS = ['1 · Bad', '2 · Poor', '3 · Okay', '4 · Good', '5 · Great'];

export function Rate({ token }: { token: string }) {
  useTitle('Rate our help');
  const [survey, setSurvey] = useState<SurveyView | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const initial = Number(param('rating'));
  const [rating, setRating] = useState<number>(initial >= 1 && initial <= 5 ? initial : 0);
  const [comment, setComment] = useState('');
  const { busy, error, setError, run } = useAction();
  useEffect(() => {
    api.survey(token).then(setSurvey, (e) => setGone(e instanceof ApiError && e.status !== 0 ? e.message : describe(e)));
  }, [token]);

  const send = (e: Event) => {
    e.preventDefault();
    if (!rating) {
      setError('Choose a rating first.');
      return;
    }
    void run(async () => setSurvey(await api.rate(token, rating, comment.trim() || undefined)), describe);
  };

  let body;
  if (gone) body = <p role="alert">{gone}</p>;
  else if (!survey) body = <p role="status">Loading…</p>;
  else if (survey.rating)
    body = (
      <p role="status">
        Thank you! You rated {survey.ticketNumber} {survey.rating} out of 5.
      </p>
    );
  else
    body = (
      <form class="stack" onSubmit={send} aria-label="Rate our help">
        <p>
          How did {survey.organizationName} do with “{survey.subject}” ({survey.ticketNumber})?
        </p>
        <fieldset class="rating">
          <legend>Your rating</legend>
          {LABELS.map((label, i) => (
            <label class="check" key={label}>
              <input type="radio" name="rating" value={i + 1} checked={rating === i + 1} onChange={() => setRating(i + 1)} />
              {label}
            </label>
          ))}
        </fieldset>
        <Field label="Comment (optional)">
          <textarea value={comment} rows={3} maxLength={2000} onInput={(e) => setComment(e.currentTarget.value)} />
        </Field>
        <ErrorText error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Sending…' : 'Send rating'}
        </button>
      </form>
    );
  return (
    <main id="main" class="auth">
      <div class="brand" aria-hidden="true">
        wrrk
      </div>
      <section class="card">
        <h1 tabIndex={-1}>Rate our help</h1>
        {body}
      </section>
    </main>
  );
}
