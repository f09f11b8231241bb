// The satisfaction survey in the chat: when an agent resolves the chat while the visitor is
// here, the server sends `csat:request`; the widget asks once, in the log, for a rating of
// 1 to 5 and an optional comment, and posts it to `POST /api/widget/csat`. Until it is
// answered (or found closed), a reload asks again.

import { type Api, ApiError } from './api';
import type { Words } from './i18n';
import { h, type View } from './view';

/** What the visitor is told after answering (or trying to). */
export function surveyOutcome(status: number): 'thanks' | 'expired' | 'failed' {
  // 200, or 409: rated already (in another tab): either way it is done.
  if (status === 200 || status === 409) return 'thanks';
  if (status === 410 || status === 404) return 'expired';
  return 'failed';
}

/** Shows the survey `surveyId` in the log (once per survey), answered with `token`;
 * `done` once it is answered or closed. */
export function askRating(v: View, t: Words, api: Api, token: string, surveyId: string, done: () => void) {
  if (v.log.querySelector(`[data-survey="${CSS.escape(surveyId)}"]`)) return;
  let rating = 0;
  const stars = Array.from({ length: 5 }, (_, i) => {
    const b = h('button', { type: 'button', class: 'star', 'aria-pressed': 'false', 'aria-label': `${i + 1} / 5` }, String(i + 1));
    b.addEventListener('click', () => {
      rating = i + 1;
      stars.forEach((s, j) => s.setAttribute('aria-pressed', String(j === i)));
    });
    return b;
  });
  const comment = h('textarea', { rows: '2', 'aria-label': t.rateComment, placeholder: t.rateComment, maxlength: '2000' });
  const send = h('button', { type: 'submit', class: 'send' }, t.rateSend);
  const said = h('p', { role: 'status' });
  const form = h(
    'form',
    { class: 'm csat', 'aria-label': t.rateTitle, novalidate: '' },
    h('span', { class: 'who' }, t.rateTitle),
    h('div', { class: 'stars', role: 'group', 'aria-label': t.rateTitle }, ...stars),
    comment,
    send,
    said,
  );
  form.dataset.survey = surveyId;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!rating) {
      said.textContent = t.rateChoose;
      return;
    }
    send.disabled = true;
    const body: Record<string, unknown> = { surveyId, rating };
    if (comment.value.trim()) body.comment = comment.value.trim();
    let status = 200;
    try {
      await api.call('POST', '/api/widget/csat', token, body);
    } catch (e) {
      status = e instanceof ApiError ? e.status : 0;
    }
    const outcome = surveyOutcome(status);
    if (outcome === 'failed') {
      send.disabled = false;
      said.textContent = t.failed;
      return;
    }
    done();
    form.replaceChildren(h('p', { role: 'status' }, outcome === 'thanks' ? t.rateThanks : t.rateExpired));
  });
  v.log.append(form);
  v.scrollDown();
}
