"""Measuring text contrast in a real page (test helper): WCAG 2 contrast of every piece of text
against the background it is drawn on, as the browser computed both.

`text_contrast(page)` walks the page's text (text nodes, and the generated text of ::before and
::after, e.g. a stacked table's column labels), takes each element's computed text colour and
walks up its ancestors for the first background that is not transparent (stacking translucent
ones on the way, over the page's white canvas), resolves both through a 1x1 canvas (so any CSS
colour syntax, light-dark() and color-mix() included, becomes sRGB), and computes the WCAG ratio.
Text that is not shown (display none, visibility hidden, a closed <details>, opacity 0, under
1x1 px) and text of disabled controls (WCAG 1.4.3 exempts inactive components) is skipped; text
in SVG (charts) and on canvases (data grids) is not reached by this walk.
"""

from __future__ import annotations

_HELPERS = r"""
  const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
  const g = canvas.getContext('2d', {willReadFrequently: true});
  const rgba = (css) => { g.clearRect(0, 0, 1, 1); g.fillStyle = '#000'; g.fillStyle = css; g.fillRect(0, 0, 1, 1);
    const d = g.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255]; };
  const over = (top, bottom) => { const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]); };
  const lum = (c) => { const f = (v) => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const background = (el) => { const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const bg = rgba(getComputedStyle(node).backgroundColor);
      if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 0.999) break; } }
    let result = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
    return result; };
  const opacityOf = (el) => { let o = 1; for (let n = el; n && n.nodeType === 1; n = n.parentElement)
    o *= parseFloat(getComputedStyle(n).opacity); return o; };
  const shown = (el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true,
                                            contentVisibilityAuto: true});
"""

CONTRAST_JS = (
    "() => {"
    + _HELPERS
    + r"""
  const skipped = (el) => el.closest(
    'svg, style, script, noscript, [aria-hidden="true"], [disabled], [aria-disabled="true"]');
  const measure = (el, colour, text, pseudo) => {
    const bg = background(el); let fg = rgba(colour);
    fg = over([fg[0], fg[1], fg[2], fg[3] * opacityOf(el)], bg);
    const l1 = lum(fg), l2 = lum(bg);
    const testid = (el.closest('[data-testid]') || {dataset: {}}).dataset.testid || '';
    return {text: text.slice(0, 50), pseudo, tag: el.tagName, cls: String(el.className || '').slice(0, 40), testid,
            ratio: Math.round((Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05) * 100) / 100,
            fg: fg.slice(0, 3).map(Math.round), bg: bg.slice(0, 3).map(Math.round)}; };
  const out = []; const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    const el = t.parentElement;
    if (!el || seen.has(el) || !t.textContent.trim()) continue;
    seen.add(el);
    if (skipped(el) || !shown(el)) continue;
    const rect = el.getBoundingClientRect(); if (rect.width < 2 || rect.height < 2) continue;
    out.push(measure(el, getComputedStyle(el).color, t.textContent.trim(), ''));
  }
  for (const el of document.querySelectorAll('body *')) {
    if (skipped(el) || !shown(el)) continue;
    for (const pseudo of ['::before', '::after']) {
      const style = getComputedStyle(el, pseudo); const content = style.content;
      if (!content || content === 'none' || content === 'normal' || style.display === 'none') continue;
      let text = content;
      if (content.startsWith('attr(')) text = el.getAttribute(content.slice(5, -1)) || '';
      else if (content.startsWith('"')) text = content.slice(1, -1);
      else continue;  // counters, images, quotes: no words
      if (!text.trim() || !/[\p{L}\p{N}]/u.test(text)) continue;
      out.push(measure(el, style.color, text.trim(), pseudo));
    }
  }
  return out;
}
"""
)

# The composite background an element is drawn on, as [r, g, b] (0-255).
BACKGROUND_JS = "(el) => {" + _HELPERS + "return background(el).slice(0, 3).map(Math.round); }"

WCAG_AA = 4.5  # WCAG 2 level AA, normal-size text


def text_contrast(page) -> list[dict]:
    """Every shown piece of text on the page with its contrast ratio against its background:
    dicts with text, pseudo ('' or '::before' / '::after'), tag, cls, testid, ratio, fg, bg."""
    return page.evaluate(CONTRAST_JS)


def background_of(locator) -> tuple[int, int, int]:
    """The sRGB background (0-255) an element is drawn on: its own and its ancestors' backgrounds,
    translucent ones stacked, down to the first opaque one."""
    return tuple(locator.evaluate(BACKGROUND_JS))


def too_faint(page, minimum: float = WCAG_AA) -> list[dict]:
    """The pieces of text on the page below `minimum` contrast (WCAG AA: 4.5)."""
    return [item for item in text_contrast(page) if item["ratio"] < minimum]
