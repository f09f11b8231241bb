import { describe, expect, it } from 'vitest';
import { sanitizeHtml } from './sanitize';

/** The sanitized HTML, parsed back into a container for querying. */
function clean(html: string): HTMLDivElement {
  const div = document.createElement('div');
  div.innerHTML = sanitizeHtml(html);
  return div;
}

/** Every attribute name left anywhere in the output. */
function attributeNames(div: HTMLElement): string[] {
  return [...div.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => a.name));
}

describe('sanitizeHtml: what is removed', () => {
  it('drops script elements with their content', () => {
    const out = sanitizeHtml('<p>hi</p><script>alert(1)</script>');
    expect(out).toBe('<p>hi</p>');
  });

  it('drops script inside kept markup', () => {
    expect(sanitizeHtml('<div><b>x<script>steal()</script></b></div>')).toBe('<div><b>x</b></div>');
  });

  it('drops style elements and their CSS text', () => {
    const out = sanitizeHtml('<style>body{display:none}</style><p>text</p>');
    expect(out).toBe('<p>text</p>');
    expect(out).not.toContain('display');
  });

  it('drops style attributes', () => {
    const div = clean('<p style="position:fixed;top:0">x</p>');
    expect(div.querySelector('p')!.hasAttribute('style')).toBe(false);
  });

  it.each([
    ['onclick', '<a href="https://example.com" onclick="evil()">x</a>'],
    ['onerror', '<p onerror="evil()">x</p>'],
    ['onmouseover', '<div onmouseover="evil()">x</div>'],
    ['onload', '<table onload="evil()"><tr><td>x</td></tr></table>'],
    ['onfocus', '<span tabindex="0" onfocus="evil()">x</span>'],
  ])('drops the %s handler', (_name, html) => {
    const names = attributeNames(clean(html));
    expect(names.filter((n) => n.startsWith('on'))).toEqual([]);
    expect(sanitizeHtml(html)).not.toContain('evil');
  });

  it('drops an image with its onerror, leaving the alt text', () => {
    const out = sanitizeHtml('<img src="x" onerror="evil()" alt="logo">');
    expect(out).toBe('[image: logo]');
  });

  it('drops images without alt text entirely (no remote loads, no read receipts)', () => {
    expect(sanitizeHtml('<p>a<img src="https://tracker.example/p.gif">b</p>')).toBe('<p>ab</p>');
  });

  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    '  javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    '//evil.example/path',
    '/relative/path',
    'file:///etc/passwd',
  ])('removes the href %j but keeps the link text', (href) => {
    const div = clean(`<a href="${href}">click</a>`);
    const a = div.querySelector('a')!;
    expect(a.hasAttribute('href')).toBe(false);
    expect(a.textContent).toBe('click');
  });

  it('removes a javascript: URL hidden by entity encoding', () => {
    const div = clean('<a href="&#106;avascript:alert(1)">x</a>');
    expect(div.querySelector('a')!.hasAttribute('href')).toBe(false);
  });

  it('removes a javascript: URL split by a tab', () => {
    const div = clean('<a href="java\tscript:alert(1)">x</a>');
    expect(div.querySelector('a')!.hasAttribute('href')).toBe(false);
  });

  it.each(['iframe', 'object', 'form', 'template', 'noscript', 'audio', 'video', 'canvas'])(
    'drops <%s> with everything inside it',
    (tag) => {
      const out = sanitizeHtml(`<p>before</p><${tag}><p>inside</p></${tag}><p>after</p>`);
      expect(out).not.toContain(tag);
      expect(out).not.toContain('inside');
      expect(out).toContain('before');
      expect(out).toContain('after');
    },
  );

  it.each([
    ['svg', '<svg><text>inside</text></svg>'],
    ['math', '<math><mi>inside</mi></math>'],
  ])('drops <%s> with its text', (_tag, html) => {
    expect(sanitizeHtml(`<p>a</p>${html}<p>b</p>`)).toBe('<p>a</p><p>b</p>');
  });

  it.each(['<embed src="https://evil.example/x.swf">', '<input name="f" value="v">'])('drops the void element %s', (html) => {
    expect(sanitizeHtml(`<p>x</p>${html}`)).toBe('<p>x</p>');
  });

  it.each(['button', 'select', 'textarea'])('drops the form control <%s> with its text', (tag) => {
    expect(sanitizeHtml(`<p>x</p><${tag} name="f">label</${tag}>`)).toBe('<p>x</p>');
  });

  it('drops meta refresh and base elements', () => {
    const out = sanitizeHtml('<meta http-equiv="refresh" content="0;url=https://evil.example"><base href="https://evil.example/"><p>x</p>');
    expect(out).toBe('<p>x</p>');
  });

  it('drops link elements (no remote stylesheets)', () => {
    expect(sanitizeHtml('<link rel="stylesheet" href="https://evil.example/a.css"><p>x</p>')).toBe('<p>x</p>');
  });

  it('drops the head with its title', () => {
    const out = sanitizeHtml('<html><head><title>Secret title</title></head><body><p>body</p></body></html>');
    expect(out).toBe('<p>body</p>');
  });

  it('drops svg carrying script', () => {
    expect(sanitizeHtml('<svg><script>alert(1)</script></svg><p>ok</p>')).toBe('<p>ok</p>');
  });

  it('drops comments (conditional comments included)', () => {
    expect(sanitizeHtml('<p>a<!-- hidden --><!--[if mso]><b>x</b><![endif]-->b</p>')).toBe('<p>ab</p>');
  });

  it('drops class, id and data attributes', () => {
    const names = attributeNames(clean('<div class="x" id="y" data-tracking="z"><span lang="en">t</span></div>'));
    expect(names).toEqual([]);
  });

  it('keeps no attribute outside the per-element allowlist', () => {
    const names = attributeNames(clean('<td colspan="2" bgcolor="red" width="10">x</td>'.replace(/^/, '<table><tr>').concat('</tr></table>')));
    expect(names).toEqual(['colspan']);
  });
});

describe('sanitizeHtml: what is kept', () => {
  it('keeps plain text', () => {
    expect(sanitizeHtml('just text')).toBe('just text');
  });

  it('returns nothing for empty input', () => {
    expect(sanitizeHtml('')).toBe('');
  });

  it('keeps text escaped: markup in text stays text', () => {
    const out = sanitizeHtml('<p>1 &lt; 2 &amp;&amp; &lt;script&gt;</p>');
    expect(out).toBe('<p>1 &lt; 2 &amp;&amp; &lt;script&gt;</p>');
    expect(clean(out).querySelector('script')).toBeNull();
  });

  it.each(['p', 'b', 'strong', 'i', 'em', 'u', 's', 'code', 'pre', 'blockquote', 'h1', 'h3', 'small', 'sub', 'sup', 'q'])(
    'keeps <%s>',
    (tag) => {
      expect(sanitizeHtml(`<${tag}>x</${tag}>`)).toBe(`<${tag}>x</${tag}>`);
    },
  );

  it('keeps lists', () => {
    expect(sanitizeHtml('<ul><li>a</li></ul><ol><li>b</li></ol>')).toBe('<ul><li>a</li></ul><ol><li>b</li></ol>');
  });

  it('keeps definition lists', () => {
    expect(sanitizeHtml('<dl><dt>term</dt><dd>meaning</dd></dl>')).toBe('<dl><dt>term</dt><dd>meaning</dd></dl>');
  });

  it('keeps line breaks and rules', () => {
    expect(sanitizeHtml('a<br>b<hr>')).toBe('a<br>b<hr>');
  });

  it('keeps tables with their spans and header scope', () => {
    const div = clean('<table><thead><tr><th scope="col" colspan="2">h</th></tr></thead><tbody><tr><td rowspan="2">c</td></tr></tbody></table>');
    expect(div.querySelector('th')!.getAttribute('scope')).toBe('col');
    expect(div.querySelector('th')!.getAttribute('colspan')).toBe('2');
    expect(div.querySelector('td')!.getAttribute('rowspan')).toBe('2');
  });

  it('keeps the title of an abbreviation', () => {
    expect(sanitizeHtml('<abbr title="Value added tax">VAT</abbr>')).toBe('<abbr title="Value added tax">VAT</abbr>');
  });

  it('unwraps unknown elements, keeping their text', () => {
    expect(sanitizeHtml('<font color="red">red <center>text</center></font>')).toBe('red text');
  });

  it('unwraps a body-level wrapper and keeps kept children inside it', () => {
    expect(sanitizeHtml('<article><section><p>x</p></section></article>')).toBe('<p>x</p>');
  });

  it('keeps nesting of kept elements', () => {
    expect(sanitizeHtml('<blockquote><p>On Monday, <b>Ana</b> wrote:</p><blockquote><p>hi</p></blockquote></blockquote>')).toBe(
      '<blockquote><p>On Monday, <b>Ana</b> wrote:</p><blockquote><p>hi</p></blockquote></blockquote>',
    );
  });

  it('keeps non-ASCII text', () => {
    expect(sanitizeHtml('<p>Grüße, 日本 ✓</p>')).toBe('<p>Grüße, 日本 ✓</p>');
  });
});

describe('sanitizeHtml: links', () => {
  it.each(['https://example.com/a?b=c', 'http://example.com', 'mailto:ana@example.com', 'HTTPS://EXAMPLE.COM'])(
    'keeps the href %j',
    (href) => {
      const a = clean(`<a href="${href}">x</a>`).querySelector('a')!;
      expect(a.getAttribute('href')).toBe(href);
    },
  );

  it('trims spaces around a kept href', () => {
    expect(clean('<a href="  https://example.com  ">x</a>').querySelector('a')!.getAttribute('href')).toBe('https://example.com');
  });

  it('opens links in a new tab without opener or referrer', () => {
    const a = clean('<a href="https://example.com">x</a>').querySelector('a')!;
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it("replaces the mail's own target and rel", () => {
    const a = clean('<a href="https://example.com" target="_self" rel="opener">x</a>').querySelector('a')!;
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
  });

  it('adds no target to a link whose href was removed', () => {
    const a = clean('<a href="javascript:x()" target="_top">x</a>').querySelector('a')!;
    expect(a.hasAttribute('target')).toBe(false);
    expect(a.hasAttribute('rel')).toBe(false);
  });

  it('keeps the title of a link', () => {
    expect(clean('<a href="https://example.com" title="Track">x</a>').querySelector('a')!.getAttribute('title')).toBe('Track');
  });

  it('escapes quotes in a kept href', () => {
    const out = sanitizeHtml('<a href="https://example.com/&quot;onmouseover=&quot;evil()">x</a>');
    const a = clean(out).querySelector('a')!;
    expect(a.getAttributeNames().sort()).toEqual(['href', 'rel', 'target']);
  });

  it('keeps no link-like attributes on other elements', () => {
    const names = attributeNames(clean('<div href="https://example.com" src="https://example.com" action="https://example.com">x</div>'));
    expect(names).toEqual([]);
  });
});

describe('sanitizeHtml: output is stable', () => {
  it('is idempotent on its own output', () => {
    const once = sanitizeHtml('<p>a <a href="https://example.com" onclick="x()">b</a><script>1</script><img alt="c"></p>');
    expect(sanitizeHtml(once)).toBe(once);
  });

  it('cannot be re-parsed into script (mutation XSS through noscript/title)', () => {
    const out = sanitizeHtml('<noscript><p title="</noscript><img src=x onerror=alert(1)>">');
    expect(clean(out).querySelector('img, script')).toBeNull();
    expect(out).not.toContain('onerror=');
  });
});
