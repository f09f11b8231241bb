// The widget's one stylesheet, adopted by its shadow root (a constructable stylesheet:
// no <style> element, no inline styles, so `style-src 'self'` is enough). `:host` rules are
// !important, which inside a shadow tree beats the page's own !important rules, so host CSS
// such as `* { all: unset }` cannot hide or move the widget.

export const css = `
:host{all:initial!important;display:block!important;position:fixed!important;bottom:20px!important;right:20px!important;left:auto!important;top:auto!important;width:auto!important;height:auto!important;z-index:2147483000!important;visibility:visible!important;opacity:1!important;transform:none!important;contain:layout style!important}
:host(.left){left:20px!important;right:auto!important}
*{box-sizing:border-box}
.w{--p:var(--wrrk-primary,#2563eb);--bg:#fff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--them:#f3f4f6;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
@media (prefers-color-scheme:dark){.w{--bg:#111827;--fg:#f9fafb;--muted:#9ca3af;--line:#374151;--them:#1f2937}}
button,input,textarea{font:inherit;color:inherit}
.bubble{display:flex;align-items:center;justify-content:center;width:56px;height:56px;border-radius:50%;border:0;background:var(--p);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);position:relative;margin-left:auto}
:host(.left) .bubble{margin-left:0}
.bubble:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid var(--p);outline-offset:2px}
.bubble svg{width:26px;height:26px;fill:currentColor}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;font-weight:700;line-height:20px;text-align:center}
.panel{display:flex;flex-direction:column;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 110px);margin-bottom:12px;background:var(--bg);border:1px solid var(--line);border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden}
.panel[hidden],[hidden]{display:none!important}
.head{display:flex;align-items:flex-start;gap:8px;padding:12px 14px;background:var(--p);color:#fff}
.head div{flex:1;min-width:0}
.head h2{margin:0;font-size:16px;font-weight:600}
.head p{margin:2px 0 0;font-size:12px;opacity:.9}
.x{border:0;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:0 4px;border-radius:4px}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:6px}
.m{max-width:80%;padding:8px 10px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:var(--them);align-self:flex-start}
.m.me{background:var(--p);color:#fff;align-self:flex-end}
.m.pending{opacity:.6}
.who{display:block;font-size:11px;opacity:.75;margin-bottom:2px}
.typing{padding:0 12px 6px;font-size:12px;color:var(--muted);min-height:18px}
.note{margin:0 12px 8px;padding:8px 10px;border-radius:8px;background:#fef3c7;color:#92400e;font-size:13px}
.foot{display:flex;flex-direction:column;gap:6px;padding:10px;border-top:1px solid var(--line)}
.row{display:flex;gap:8px;align-items:flex-end}
label{font-size:12px;color:var(--muted)}
input,textarea{width:100%;padding:8px 10px;border:1px solid var(--line);border-radius:8px;background:var(--bg);resize:none}
textarea{flex:1;height:40px;max-height:120px}
.send{border:0;border-radius:8px;padding:9px 14px;background:var(--p);color:#fff;cursor:pointer;font-weight:600}
.send:disabled{opacity:.5;cursor:default}
.csat{display:flex;flex-direction:column;gap:6px;white-space:normal}
.csat p{margin:0}
.stars{display:flex;gap:4px}
.star{flex:1;border:1px solid var(--line);border-radius:6px;padding:6px 0;background:var(--bg);cursor:pointer;font-weight:600}
.attach{border:1px solid var(--line);border-radius:8px;background:var(--bg);padding:8px;cursor:pointer;line-height:1;display:flex}
.attach svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:1.8;stroke-linecap:round}
.chosen{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px;font-size:12px}
.chosen li{display:flex;align-items:center;gap:4px;padding:2px 6px;border:1px solid var(--line);border-radius:6px}
.chosen .x{color:inherit;font-size:16px}
.files{display:flex;flex-direction:column;gap:4px;margin-top:4px;white-space:normal}
.files a{color:inherit;text-decoration:underline}
.thumb{max-width:100%;max-height:160px;border-radius:6px;display:block}
.star[aria-pressed=true]{background:var(--p);color:#fff;border-color:var(--p)}
`;
