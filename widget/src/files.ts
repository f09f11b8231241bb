// Files in the chat: the attach button, the chosen files above the message box, their
// upload (a presigned PUT per file from `POST /api/widget/attachments`, straight to the
// bucket) and the files of messages in the log: images previewed, other files as links.
// Downloads ask `GET /api/widget/attachments?id=` for a short-lived URL when shown.

import { type Api, ApiError } from './api';
import { fill, type Words } from './i18n';
import type { Message } from './api';
import { h, type View } from './view';

/** The server's limits (shared/src/uploads.rs), checked here first to fail fast. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
export const MAX_FILES = 10;

/** Why a set of chosen files cannot go, or `null`. */
export function filesProblem(sizes: readonly number[]): 'tooMany' | 'tooBig' | 'empty' | 'tooMuch' | null {
  if (sizes.length > MAX_FILES) return 'tooMany';
  if (sizes.some((s) => s === 0)) return 'empty';
  if (sizes.some((s) => s > MAX_FILE_BYTES)) return 'tooBig';
  if (sizes.reduce((a, b) => a + b, 0) > MAX_MESSAGE_BYTES) return 'tooMuch';
  return null;
}

/** Whether the widget shows the file as a picture (SVG is a document: a link). */
export function isImage(contentType: string): boolean {
  return /^image\/(png|jpeg|gif|webp|avif|bmp)$/i.test(contentType);
}

/** A size as people read it: 512 B, 1.5 KB, 2.3 MB. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** What a message with files but no words says (the API wants text). */
export function filesText(names: readonly string[]): string {
  return names.join(', ');
}

type Upload = {
  attachment: { id: string };
  uploadUrl: string;
  uploadHeaders: Record<string, string>;
};
type Link = { url: string };
type Attachment = Message['attachments'][number];

/** A paperclip icon (no emoji: not every system has the font). */
function clip(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', 'M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5');
  svg.append(path);
  return svg;
}

export function createFiles(v: View, t: Words, api: Api, token: () => string | undefined) {
  let chosen: File[] = [];
  /** Local previews of the visitor's own images, by attachment id. */
  const previews = new Map<string, string>();
  // Opened by the labelled button; the input itself stays out of the page's tab order.
  const input = h('input', { type: 'file', multiple: '', hidden: '', tabindex: '-1' });
  const button = h('button', { type: 'button', class: 'attach', 'aria-label': t.attach, title: t.attach }, clip());
  const list = h('ul', { class: 'chosen', 'aria-label': t.attached, hidden: '' });
  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const next = [...chosen, ...Array.from(input.files || [])];
    input.value = '';
    const problem = filesProblem(next.map((f) => f.size));
    if (problem) {
      v.showNote(fill(t[problem], { n: MAX_FILES, mb: MAX_FILE_BYTES >> 20, total: MAX_MESSAGE_BYTES >> 20 }));
      return;
    }
    v.showNote('');
    chosen = next;
    draw();
  });
  v.row.prepend(button, input);
  v.row.before(list);

  function draw() {
    list.hidden = chosen.length === 0;
    list.replaceChildren(
      ...chosen.map((f, i) => {
        const remove = h('button', { type: 'button', class: 'x', 'aria-label': fill(t.removeFile, { name: f.name }) }, '×');
        remove.addEventListener('click', () => {
          chosen = chosen.filter((_, j) => j !== i);
          draw();
        });
        return h('li', {}, h('span', {}, `${f.name} (${humanSize(f.size)})`), remove);
      }),
    );
  }

  /** Links `el` to a fresh download URL of `a` (an image's `src`, a link's `href`). */
  async function resolve(a: Attachment, el: HTMLImageElement | HTMLAnchorElement) {
    const session = token();
    if (!session) return;
    try {
      const link = await api.call<Link>('GET', `/api/widget/attachments?id=${encodeURIComponent(a.id)}`, session);
      if (el instanceof HTMLImageElement) el.src = link.url;
      else el.href = link.url;
    } catch {
      /* offline: shown without a link; the next render tries again */
    }
  }

  return {
    /** The chosen files, taken (the box empties). */
    take(): File[] {
      const files = chosen;
      chosen = [];
      draw();
      return files;
    },
    /** Puts files back after a failed send. */
    restore(files: File[]) {
      chosen = [...files, ...chosen];
      draw();
    },
    /** Uploads `files` with the session `session`; their attachment ids, in order. */
    async upload(session: string, files: File[]): Promise<string[]> {
      const ids: string[] = [];
      for (const f of files) {
        const u = await api.call<Upload>('POST', '/api/widget/attachments', session, {
          filename: f.name,
          contentType: f.type,
          size: f.size,
        });
        let res: Response;
        try {
          res = await fetch(u.uploadUrl, { method: 'PUT', headers: u.uploadHeaders, body: f, credentials: 'omit', mode: 'cors' });
        } catch {
          throw new ApiError(0, 'network', 'network');
        }
        if (!res.ok) throw new ApiError(res.status, 'upload_failed', res.statusText);
        if (isImage(f.type)) previews.set(u.attachment.id, URL.createObjectURL(f));
        ids.push(u.attachment.id);
      }
      return ids;
    },
    /** Adds `m`'s files to its bubble `el`. */
    show(el: HTMLElement, m: Message) {
      const files = m.attachments || [];
      if (!files.length) return;
      const box = h('div', { class: 'files' });
      for (const a of files) {
        if (isImage(a.contentType)) {
          const img = h('img', { alt: a.filename, class: 'thumb' });
          const local = previews.get(a.id);
          if (local) img.src = local;
          else resolve(a, img);
          box.append(img);
        } else {
          const link = h('a', { target: '_blank', rel: 'noopener noreferrer' }, `${a.filename} (${humanSize(a.size)})`);
          resolve(a, link);
          box.append(link);
        }
      }
      el.append(box);
    },
  };
}
