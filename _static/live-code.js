/* Live Code: the header's button (booktools/header.py) runs the page's cells on a Binder
 * kernel with thebe, which the site serves itself (THEBE_JS_URL names the site's copy,
 * fetched from npm by `make`). A line under the title says, in the page's language, what is
 * happening, and says so plainly when Binder cannot be reached (offline, blocked, or down),
 * rather than waiting forever. sphinx-thebe's modifyDOMForThebe marks the cells for thebe.
 */
"use strict";

const BOOK_LIVE_CODE_WORDS = {
  zh: {
    start: "正在启动 Live Code：向 Binder（mybinder.org）申请一个内核，第一次启动可能要等几分钟……",
    ready: "Live Code 已就绪：本页的代码块可以修改，点“运行”就会执行。",
    failed: "连不上 Binder（mybinder.org），本页的代码没法在网页上运行。可以点上方的“在 Colab 中打开”，" +
            "或者从下载菜单取得 notebook，在自己的电脑上运行。刷新页面可以再试一次。",
    slow: "Binder（mybinder.org）一直没有回应：也许连不上它，也许它正忙。可以继续等，" +
          "也可以点上方的“在 Colab 中打开”。",
    missing: "Live Code 的程序（thebe）没能从本站加载，本页的代码没法在网页上运行。",
  },
  en: {
    start: "Starting Live Code: asking Binder (mybinder.org) for a kernel; the first start can take a few minutes…",
    ready: "Live Code is ready: the code cells on this page can be edited, and “run” runs them.",
    failed: "Binder (mybinder.org) cannot be reached, so this page's code cannot run here. " +
            "Use “Open in Colab” above, or take the notebook from the downloads menu and run it " +
            "on your computer. Reload the page to try again.",
    slow: "Binder (mybinder.org) has not answered yet: it may be unreachable, or busy. " +
          "You can keep waiting, or use “Open in Colab” above.",
    missing: "Live Code's library (thebe) did not load from this site, so this page's code cannot run here.",
  },
};
// thebe's cell buttons (class thebe-<name>-button in thebe 0.9.3), in Chinese on a zh page.
const BOOK_THEBE_BUTTONS_ZH = {
  run: ["运行", "运行这个代码块"],
  runall: ["全部运行", "运行所有代码块"],
  restart: ["重启", "重启内核"],
  restartall: ["重启并全部运行", "重启内核，再运行所有代码块"],
};
function bookThebeButtonsInChinese(root) {
  const relabel = () => root.querySelectorAll("button.thebe-button").forEach((button) => {
    const name = [...button.classList].map((c) => c.match(/^thebe-(\w+)-button$/)).find(Boolean);
    const words = name && BOOK_THEBE_BUTTONS_ZH[name[1]];
    if (words && button.textContent !== words[0]) [button.textContent, button.title] = words;
  });
  new MutationObserver(relabel).observe(root, {childList: true, subtree: true});
  relabel();
}
const BOOK_LIVE_CODE_PATIENCE = 90000;  // ms without any news from Binder before "slow"

function bookLiveCode(button) {
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  const words = BOOK_LIVE_CODE_WORDS[lang];
  let line = document.querySelector("p.book-live-code");
  if (!line) {
    line = document.createElement("p");
    line.className = "book-live-code";
    line.setAttribute("role", "status");
    const title = document.querySelector("article.bd-article h1");
    title ? title.after(line) : document.querySelector("article.bd-article").prepend(line);
  }
  let state = "";
  const say = (what) => {
    if (["failed", "ready", "missing"].includes(state)) return;  // the last word stays
    state = what;
    line.textContent = words[what];
    line.dataset.state = what;
  };
  let patience;
  const news = () => { clearTimeout(patience); patience = setTimeout(() => say("slow"), BOOK_LIVE_CODE_PATIENCE); };
  const failed = (why) => { console.warn("Live Code:", why); clearTimeout(patience); say("failed"); };

  button.disabled = true;
  if (lang === "zh") bookThebeButtonsInChinese(document.querySelector("article.bd-article"));
  say("start");
  news();
  const start = () => {
    if (typeof modifyDOMForThebe === "function") modifyDOMForThebe();
    thebelab.on("status", (event, data) => {
      news();
      if (/error|fail/i.test((data && data.status) || "")) failed(data.message);
    });
    thebelab.on("error", (event, data) => failed(data && data.message));
    // No mathjaxUrl: thebe would fetch MathJax 2 from a CDN for LaTeX outputs, which the
    // book's code does not print (the page's own math is typeset by the site's MathJax).
    thebelab.bootstrap({requestKernel: true, mathjaxUrl: false}).then(
      () => { clearTimeout(patience); say("ready"); }, failed);
  };
  if (typeof thebelab !== "undefined") return start();
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = THEBE_JS_URL.replace(/index\.js$/, "thebe.css");
  document.head.appendChild(style);
  const script = document.createElement("script");
  script.src = THEBE_JS_URL;
  script.addEventListener("load", start);
  script.addEventListener("error", () => { clearTimeout(patience); say("missing"); });
  document.head.appendChild(script);
}
