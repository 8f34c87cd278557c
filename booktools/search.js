/* The book's search, on top of Sphinx's (html_search_scorer: Sphinx puts this file into
 * _static/language_data.js, which every page loads after searchtools.js).
 *
 * - The reader's language first: on the Chinese search page (a Chinese page's search box
 *   leads there) the Chinese pages come before the English ones, on the English page the
 *   other way round; the pages of neither language (landing page, appendices) stay in the
 *   middle. Within each group, Sphinx's own order.
 * - Snippets quote the article: Sphinx reads them from the whole [role=main] element, which
 *   also holds the theme's header bar (launch links, language switch, menus) and a print-only
 *   outline, so a snippet could open with "Open in Colab · English · ...".
 */
if (typeof Scorer !== "undefined" && typeof Search !== "undefined") {
  const bookLanguage = (docname) => (docname.match(/(?:^|\/)(zh|en)\//) || [])[1];
  const readerLanguage = () => (document.documentElement.lang.startsWith("zh") ? "zh" : "en");
  const LANGUAGE_STEP = 1000000;  // far above any score Sphinx gives

  Scorer.score = ([docname, , , , score]) => {
    const lang = bookLanguage(docname);
    return lang === undefined ? score : lang === readerLanguage() ? score + LANGUAGE_STEP : score - LANGUAGE_STEP;
  };

  const sphinxHtmlToText = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    const main = page.querySelector('[role="main"]');
    const article = main && main.querySelector("article.bd-article");
    if (article) main.replaceChildren(article);
    return sphinxHtmlToText(page.documentElement.outerHTML, anchor);
  };
}
