// Site search: mounts pagefind's UI on <div id="search"> wherever a page has one. The UI files
// are written into /pagefind/ by the build (site_builder/search.py), so nothing loads from another
// origin. Pagefind runs its index in WebAssembly, which is why the Content-Security-Policy allows
// 'wasm-unsafe-eval' (WebAssembly compilation only, not JavaScript eval).
(function () {
  "use strict";

  var element = document.getElementById("search");
  if (!element || element.getAttribute("data-search-state")) {
    return;
  }
  element.setAttribute("data-search-state", "loading");
  var bundle = element.getAttribute("data-pagefind") || "/pagefind/";

  // An agency's search document has a section per report (site_builder/search_docs.py), anchored
  // "#report-2019": its sub-result goes to the report's own page, /agencies/<slug>/2019/.
  var reportAnchor = /#report-(\d{4})$/;
  function linkReports(result) {
    (result.sub_results || []).forEach(function (sub) {
      var m = reportAnchor.exec(sub.url);
      if (m) {
        sub.url = sub.url.replace(reportAnchor, m[1] + "/");
      }
    });
    return result;
  }

  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = bundle + "pagefind-ui.css";
  document.head.appendChild(css);

  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onload = function () {
    if (!window.PagefindUI) {
      element.setAttribute("data-search-state", "failed");
      return;
    }
    // Any fallback content (a note that search needs JavaScript) makes way for the search box.
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
    new window.PagefindUI({
      element: "#search",
      bundlePath: bundle,
      showSubResults: true,
      processResult: linkReports,
      showImages: false,
      resetStyles: false
    });
    element.setAttribute("data-search-state", "ready");
    var query = new URLSearchParams(window.location.search).get("q");
    var input = element.querySelector("input");
    // pagefind names its box by a title only, which is not a label (axe: label-title-only)
    if (input && !input.hasAttribute("aria-label")) {
      input.setAttribute("aria-label", element.getAttribute("data-label") || "搜索 Search");
    }
    if (query && input) {
      input.value = query;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };
  script.onerror = function () {
    element.setAttribute("data-search-state", "failed");
    if (window.console) {
      console.warn("search: could not load " + script.src + " (was the site built with its search index?)");
    }
  };
  document.head.appendChild(script);
})();
