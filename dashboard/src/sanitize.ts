// Email HTML, reduced to a small allowlist before display. Parsed in an inert document
// (DOMParser runs no scripts and loads nothing), rebuilt element by element: anything
// not listed is dropped (script, style, iframe, form, svg...) or unwrapped to its text;
// no event handlers, no style, only http(s) and mailto links, and no remote images (they
// would tell the sender when the agent read the mail): an image becomes its alt text.

const KEEP = new Set([
  'a', 'abbr', 'b', 'blockquote', 'br', 'caption', 'code', 'dd', 'div', 'dl', 'dt', 'em',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'i', 'li', 'ol', 'p', 'pre', 'q', 's', 'small',
  'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr', 'u', 'ul',
]);
const DROP = new Set([
  'script', 'style', 'template', 'iframe', 'object', 'embed', 'frame', 'frameset', 'noscript',
  'svg', 'math', 'form', 'input', 'button', 'select', 'textarea', 'link', 'meta', 'base', 'head',
  'title', 'audio', 'video', 'canvas', 'applet',
]);
const ATTRS: Record<string, string[]> = {
  a: ['href', 'title'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  abbr: ['title'],
};

function safeHref(v: string): string | null {
  const s = v.trim();
  return /^(https?:|mailto:)/i.test(s) ? s : null;
}

export function sanitizeHtml(html: string): string {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const out = doc.createElement('div');
  const walk = (from: Node, to: Node) => {
    for (const child of Array.from(from.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) {
        to.appendChild(doc.createTextNode(child.textContent ?? ''));
        continue;
      }
      if (child.nodeType !== Node.ELEMENT_NODE) continue;
      const el = child as Element;
      const tag = el.tagName.toLowerCase();
      if (DROP.has(tag)) continue;
      if (tag === 'img') {
        const alt = el.getAttribute('alt');
        if (alt) to.appendChild(doc.createTextNode(`[image: ${alt}]`));
        continue;
      }
      if (!KEEP.has(tag)) {
        walk(el, to);
        continue;
      }
      const copy = doc.createElement(tag);
      for (const name of ATTRS[tag] ?? []) {
        const v = el.getAttribute(name);
        if (v === null) continue;
        if (name === 'href') {
          const href = safeHref(v);
          if (!href) continue;
          copy.setAttribute('href', href);
          copy.setAttribute('target', '_blank');
          copy.setAttribute('rel', 'noopener noreferrer nofollow');
        } else {
          copy.setAttribute(name, v);
        }
      }
      walk(el, copy);
      to.appendChild(copy);
    }
  };
  walk(doc.body, out);
  return out.innerHTML;
}
