// Progressive enhancement only: every page works without this script.
// 1. The language switch shows or hides the English labels (stored in localStorage).
// 2. Tables with class "sortable" sort by a column when its header is clicked.
(function () {
  "use strict";
  var KEY = "site-hide-en";
  var root = document.documentElement;

  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  function store(hide) {
    try { window.localStorage.setItem(KEY, hide ? "1" : "0"); } catch (e) { /* private mode: the switch still works for this page */ }
  }
  function applyLanguage(hide) {
    root.classList.toggle("hide-en", hide);
    var button = document.getElementById("lang-toggle");
    // a toggle button keeps its label; aria-pressed (and the check mark in CSS) tells the state
    if (button) button.setAttribute("aria-pressed", hide ? "false" : "true");
  }
  // before the first paint where possible (the script is deferred, so this runs once parsed)
  applyLanguage(stored());

  function setupLanguage() {
    var button = document.getElementById("lang-toggle");
    if (!button) return;
    button.hidden = false;
    applyLanguage(stored());
    button.addEventListener("click", function () {
      var hide = !root.classList.contains("hide-en");
      store(hide);
      applyLanguage(hide);
    });
  }

  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return { empty: true };
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    if (raw === "") return { empty: true };
    var n = Number(raw);
    return isNaN(n) ? { text: raw } : { number: n };
  }

  function compare(a, b) {
    if (a.empty || b.empty) return a.empty === b.empty ? 0 : (a.empty ? 1 : -1);
    if (a.number !== undefined && b.number !== undefined) return a.number - b.number;
    return String(a.text !== undefined ? a.text : a.number).localeCompare(String(b.text !== undefined ? b.text : b.number), "zh-CN");
  }

  function sortBy(table, th, index) {
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var headers = table.querySelectorAll("thead th");
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var a = cellValue(r1, index), b = cellValue(r2, index);
      if (a.empty || b.empty) return compare(a, b); // gaps last in both directions
      var c = compare(a, b);
      return ascending ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function setupSorting() {
    var tables = document.querySelectorAll("table.sortable");
    Array.prototype.forEach.call(tables, function (table) {
      var headerRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
      if (!headerRow || !table.tBodies[0]) return;
      Array.prototype.forEach.call(headerRow.cells, function (th, index) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "sort";
        // sortable headers hold text only (no links), so the whole header becomes the button
        while (th.firstChild) button.appendChild(th.firstChild);
        th.appendChild(button);
        button.addEventListener("click", function () { sortBy(table, th, index); });
      });
    });
  }

  function init() { setupLanguage(); setupSorting(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
