"""The interface a page speaks: its text outside the book's own prose, code and outputs.

`other_language(page, lang)` lists the interface strings of a loaded page that are in the
other language: English words on a Chinese page ("Contents", "Fig. 3", "et al."), Chinese
on an English one. Names that are the same in both languages (Colab, Binder, PDF) and the
names of the languages themselves (the switch says 中文 on an English page) are allowed.
"""
from __future__ import annotations

import re

# Every text node and user-facing attribute of the page, except the book's content: prose,
# code, outputs, math, page titles (the sidebar has both languages, one of them hidden;
# "next" may lead to the bilingual appendix), bibliography entries in link titles, and what
# a reader never sees.
COLLECT = r"""() => {
  const content = 'article.bd-article p, article.bd-article li, article.bd-article dd, '
    + 'article.bd-article dt, article.bd-article td, article.bd-article th, '
    + 'article.bd-article h1, article.bd-article h2, article.bd-article h3, '
    + 'article.bd-article h4, article.bd-article .caption-text, article.bd-article pre, '
    + '.cell_output, .output, mjx-container, .math, .bd-links, .bd-toc-nav, .toc-entry, '
    + '.prev-next-title, #jb-print-toc, #search-results ul, script, style, noscript, template';
  const iface = '.caption-number, a.headerlink, .bibtex-citation, button, summary, '
    + '.admonition-title, .toggle-button, .language-switch, .book-live-code';
  const ATTRIBUTES = ['title', 'aria-label', 'placeholder', 'alt', 'data-bs-original-title',
                      'data-tooltip', 'data-toggle-hint'];
  const found = [];
  const texts = (root, skip) => {  // the text under root, minus the subtrees skip rejects
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT,
      n => n.nodeType === 1 && skip(n) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT);
    for (let n; (n = walker.nextNode());) {
      const text = n.nodeType === 3 && n.textContent.replace(/\s+/g, ' ').trim();
      if (text) found.push([n.parentElement.closest('.bibtex-citation') ? 'citation' : 'text', text]);
    }
  };
  texts(document.body, el => el.matches(content));  // outside the content
  for (const el of document.querySelectorAll(iface))  // the interface inside it
    if (el.closest(content) && !el.parentElement.closest(iface))
      texts(el, e => e.matches('script, style, .bd-toc-nav'));
  for (const el of document.querySelectorAll(ATTRIBUTES.map(a => `[${a}]`).join(', '))) {
    if (el.closest('.bibtex-citation, .bd-links, .bd-toc-nav, article.bd-article img, '
                   + 'link[rel=next], link[rel=prev]') || (el.closest(content) && !el.closest(iface)))
      continue;
    for (const a of ATTRIBUTES)
      if (el.getAttribute(a)) found.push([a, el.getAttribute(a).replace(/\s+/g, ' ').trim()]);
  }
  found.push(['title', document.title]);
  return found;
}"""

HAN = re.compile(r"[\u3400-\u9fff]")
# Names a page of either language writes the same way, and the language names themselves.
NAMES = re.compile(r"\b(PDF|English|Colab|Binder|JupyterLab|Jupyter|Thebe|GitHub|TensorFlow(?: [\d.]+)?|"
                   r"Keras|notebooks?|zip|Ctrl|Live Code|MathJax|tf\.\w+|Python|CPU)\b")
# The book's title is bilingual on the pages that belong to neither language.
BILINGUAL_TITLE = "TensorFlow 2：从张量到模型 · From Tensors to Models"


def english(kind: str, text: str) -> bool:
    """Text a Chinese page should not show: an English interface word or phrase."""
    if kind == "citation":  # author names stay as they are; the joining words do not
        return bool(re.search(r"\bet al\b|\band\b", text))
    if HAN.search(text) or re.fullmatch(r"\.\w+", text):  # a file type: .ipynb, .pdf
        return False
    return bool(re.search(r"[A-Za-z]{2,}", NAMES.sub(" ", text)))


def chinese(kind: str, text: str) -> bool:
    """Text an English page should not show: Chinese, other than the language's own name."""
    return bool(HAN.search(text.replace(BILINGUAL_TITLE, "").replace("中文", "")))


def other_language(page, lang: str) -> list[str]:
    wrong = english if lang == "zh" else chinese
    return sorted({f"{kind}: {text}" for kind, text in page.evaluate(COLLECT) if wrong(kind, text)})
