// Site search: mounts pagefind's UI on <div id="search"> wherever a page has one, and lists above
// pagefind's results the agencies whose names hold the query (the names index, written beside
// pagefind's files into /pagefind/names/ by site_builder/render/search_names.py). The UI files
// are written into /pagefind/ by the build (site_builder/render/search.py), so nothing loads from another
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
  var namesBase = element.getAttribute("data-names") || bundle + "names/";
  var SHOWN = 10; // agencies listed before "show all"

  // A year in the query (建国门 2024, 2024 建国门, 建国门2024年, 建国门 2024年度): taken out, the rest
  // matched as a name, and each agency found with a report of that year links that report's page.
  var yearPattern = /(^|[^0-9])((?:19|20)[0-9]{2})(?:年度|年)?(?![0-9])/;
  function splitYear(query) {
    var m = yearPattern.exec(query);
    if (!m) {
      return { name: query, year: null };
    }
    var rest = query.slice(0, m.index + m[1].length) + " " + query.slice(m.index + m[0].length);
    if (!rest.trim()) {
      return { name: query, year: null }; // a year alone: not a name with a year
    }
    return { name: rest, year: Number(m[2]) };
  }

  // An entry's report years, written as runs: "2011,2014-2016" (search_names.years_text).
  function hasYear(entry, year) {
    return (entry[6] || "").split(",").some(function (run) {
      var ends = run.split("-");
      return Number(ends[0]) <= year && year <= Number(ends[ends.length - 1]);
    });
  }

  // --- the names index ------------------------------------------------------------------------
  // Fetched only once someone types: meta.json (how many shards), then the shard of each key
  // asked for. A key is a run of the query's characters; search_names.py explains the format.

  var fetched = { meta: null, shards: {} };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) {
        throw new Error("search: " + url + " answered " + r.status);
      }
      return r.json();
    });
  }

  function meta() {
    if (!fetched.meta) {
      fetched.meta = getJSON(namesBase + "meta.json");
    }
    return fetched.meta;
  }

  // FNV-1a (32 bits) over the key's code points: search_names.shard_of computes the same.
  function shardOf(key, count) {
    var h = 2166136261;
    Array.from(key).forEach(function (ch) {
      h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
    });
    return h % count;
  }

  // The key's agencies (an array), 0 (split: too many share it) or undefined (no name holds it).
  function lookup(key) {
    return meta().then(function (m) {
      var n = shardOf(key, m.shards);
      if (!fetched.shards[n]) {
        fetched.shards[n] = getJSON(namesBase + n + ".json");
      }
      return fetched.shards[n];
    }).then(function (shard) {
      return Object.prototype.hasOwnProperty.call(shard, key) ? shard[key] : undefined;
    });
  }

  // What is compared: search_names.normalise does the same to the names.
  function normalise(text) {
    return text.normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }

  // An entry's texts to match: its name, other names, and its name after its district (or city).
  function sources(entry) {
    var name = entry[1];
    var near = entry[5] || entry[4];
    var texts = [name].concat(entry[2]);
    if (near && name.indexOf(near) !== 0) {
      texts.push(near + name);
    }
    return texts.map(normalise);
  }

  // The agencies that may hold the query: those of the run at its end, made longer to the left
  // while too many agencies share it; when the whole query is that common, those whose names
  // begin with it. null: too common to list (pagefind's results still follow).
  function candidates(chars, least) {
    var end = chars.length;
    var start = end - least;
    function step() {
      return lookup(chars.slice(start, end).join("")).then(function (found) {
        if (found === undefined) {
          return [];
        }
        if (found !== 0) {
          return found;
        }
        if (start === 0) {
          return lookup("^" + chars.join("")).then(function (head) {
            return Array.isArray(head) ? head : null;
          });
        }
        start -= 1;
        return step();
      });
    }
    return step();
  }

  function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // The agencies whose names hold the query, best first (null for a query shorter than a key,
  // "common" when too many agencies hold it to list them): a name equal to it, then one that
  // begins with it, then one that holds it; the agency's own name before its other names, and
  // those before its name after its place; then the shorter name first.
  function match(query) {
    var q = normalise(query);
    var chars = Array.from(q);
    return meta().then(function (m) {
      if (chars.length < m.min) {
        return null;
      }
      return candidates(chars, m.min).then(function (list) {
        if (list === null) {
          return "common";
        }
        var hits = [];
        list.forEach(function (entry) {
          var rank = -1;
          sources(entry).forEach(function (text, i) {
            var at = text.indexOf(q);
            if (at < 0) {
              return;
            }
            var r = (text === q ? 0 : at === 0 ? 1 : 2) * 3 + (i === 0 ? 0 : i <= entry[2].length ? 1 : 2);
            if (rank < 0 || r < rank) {
              rank = r;
            }
          });
          if (rank >= 0) {
            hits.push({ rank: rank, entry: entry });
          }
        });
        // (homonyms by place: province, city, district; then by url)
        hits.sort(function (a, b) {
          return a.rank - b.rank || a.entry[1].length - b.entry[1].length || compare(a.entry[1], b.entry[1]) ||
            compare(a.entry[3], b.entry[3]) || compare(a.entry[4], b.entry[4]) || compare(a.entry[5], b.entry[5]) ||
            compare(a.entry[0], b.entry[0]);
        });
        return hits.map(function (h) { return h.entry; });
      });
    });
  }

  // --- showing them ---------------------------------------------------------------------------

  var box = document.createElement("section");
  box.className = "search-names";
  box.setAttribute("aria-label", "机构 Agencies");
  box.hidden = true;
  var list = document.createElement("ol");
  list.className = "search-names__list";
  var more = document.createElement("button");
  more.type = "button";
  more.className = "search-names__more";
  var note = document.createElement("p");
  note.className = "search-names__note";
  note.textContent = "名称含此字段的机构太多，请再输入一个字 / Too many agency names hold this: type a character more";
  box.appendChild(list);
  box.appendChild(more);
  box.appendChild(note);
  var asked = 0; // the latest query's number: an older query's answer is dropped

  function place(entry) {
    var parts = [];
    [entry[3], entry[4], entry[5]].forEach(function (p) {
      if (p && parts.indexOf(p) < 0) {
        parts.push(p); // (a 直辖市 is its own province and city: said once)
      }
    });
    return parts.join(" · ");
  }

  function item(entry, year) {
    var li = document.createElement("li");
    li.className = "search-names__item";
    var a = document.createElement("a");
    a.className = "search-names__link";
    a.href = entry[0];
    a.textContent = entry[1];
    li.appendChild(a);
    var where = place(entry);
    if (where) {
      var span = document.createElement("span");
      span.className = "search-names__place";
      span.textContent = where;
      li.appendChild(span);
    }
    if (entry[2].length) {
      var also = document.createElement("span");
      also.className = "search-names__also";
      also.textContent = "又称 " + entry[2].join("、");
      li.appendChild(also);
    }
    if (year !== null && hasYear(entry, year)) {
      var report = document.createElement("a");
      report.className = "search-names__report";
      report.href = entry[0] + year + "/";
      report.textContent = year + "年度报告 " + year + " annual report";
      li.appendChild(report);
    }
    return li;
  }

  function show(entries, all, year) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    var upto = all ? entries.length : Math.min(entries.length, SHOWN);
    for (var i = 0; i < upto; i++) {
      list.appendChild(item(entries[i], year));
    }
    more.hidden = upto >= entries.length;
    more.textContent = "显示全部 " + entries.length + " 个机构 / show all " + entries.length + " agencies";
    more.onclick = function () {
      show(entries, true, year);
    };
    note.hidden = true;
    box.hidden = entries.length === 0;
  }

  function clear() {
    show([], false, null);
    box.hidden = true;
  }

  function onInput(input) {
    var n = ++asked;
    var query = input.value;
    var asks = splitYear(query);
    element.setAttribute("data-names-state", "searching");
    match(asks.name).then(function (entries) {
      if (n !== asked) {
        return;
      }
      if (Array.isArray(entries)) {
        show(entries, false, asks.year);
      } else {
        clear();
        if (entries === "common") {
          note.hidden = false;
          box.hidden = false;
        }
      }
      box.setAttribute("data-count", Array.isArray(entries) ? entries.length : 0);
      // (what was answered, for a test or benchmark to wait for)
      element.setAttribute("data-names-query", query);
      element.setAttribute("data-names-state", "done");
    }, function (error) {
      if (n !== asked) {
        return;
      }
      clear();
      element.setAttribute("data-names-state", "failed");
      fetched.meta = null; // (asked again at the next keystroke)
      fetched.shards = {};
      if (window.console) {
        console.warn(String(error));
      }
    });
  }

  // The names go right under the search box, above pagefind's results (its drawer, which it
  // puts at the end of its form once it has searched).
  function attach(input) {
    var anchor = input.parentNode.querySelector(".pagefind-ui__search-clear") || input;
    anchor.parentNode.insertBefore(box, anchor.nextSibling);
    input.addEventListener("input", function () {
      onInput(input);
    });
    // pagefind's clear button empties the box without an input event
    var clearButton = input.parentNode.querySelector(".pagefind-ui__search-clear");
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        window.setTimeout(function () {
          onInput(input);
        }, 0);
      });
    }
  }

  // Without pagefind (its script failed to load) the names index still answers, in a box of ours.
  function fallbackBox() {
    while (element.firstChild) {
      element.removeChild(element.firstChild);
    }
    var form = document.createElement("form");
    form.setAttribute("role", "search");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    var input = document.createElement("input");
    input.type = "search";
    input.className = "search-names__input";
    input.setAttribute("aria-label", element.getAttribute("data-label") || "搜索 Search");
    form.appendChild(input);
    element.appendChild(form);
    attach(input);
    return input;
  }

  function ask(input) {
    var query = new URLSearchParams(window.location.search).get("q");
    if (query && input) {
      input.value = query;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  [bundle + "pagefind-ui.css", element.getAttribute("data-css")].forEach(function (href) {
    if (href) {
      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = href;
      document.head.appendChild(css);
    }
  });

  var script = document.createElement("script");
  script.src = bundle + "pagefind-ui.js";
  script.onload = function () {
    if (!window.PagefindUI) {
      element.setAttribute("data-search-state", "failed");
      ask(fallbackBox());
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
      showImages: false,
      resetStyles: false
    });
    var input = element.querySelector("input");
    // pagefind names its box by a title only, which is not a label (axe: label-title-only)
    if (input && !input.hasAttribute("aria-label")) {
      input.setAttribute("aria-label", element.getAttribute("data-label") || "搜索 Search");
    }
    if (input) {
      attach(input);
    }
    element.setAttribute("data-search-state", "ready");
    ask(input);
  };
  script.onerror = function () {
    element.setAttribute("data-search-state", "failed");
    if (window.console) {
      console.warn("search: could not load " + script.src + " (was the site built with its search index?)");
    }
    ask(fallbackBox());
  };
  document.head.appendChild(script);
})();
