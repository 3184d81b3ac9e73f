// Interactive charts. Each <figure class="chart" data-spec="/charts/<id>.vl.json"> holds the
// chart's title, its description and its data table, which is open and is the chart without
// JavaScript or if anything here fails. With JavaScript, the Vega bundle that ships with the site
// (data-vega) is loaded once, the spec is fetched from its own file, the Vega-Embed view (with
// tooltips) is drawn below the title, and the table is folded away (one click opens it again).
//
// The site's Content-Security-Policy has no 'unsafe-eval' and no inline styles, so Vega runs
// with its expression interpreter (ast: true) and Vega-Embed / Vega-Tooltip are told not to
// inject <style> elements; the tooltip stylesheet is linked as a file instead (data-vega-css).
(function () {
  "use strict";

  // The script tag may appear once per chart: each run takes only the figures no run has claimed.
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure.chart[data-spec]:not([data-chart-state])"));
  if (!figures.length || !window.fetch || !window.Promise) {
    return;
  }
  figures.forEach(function (f) { f.setAttribute("data-chart-state", "static"); });

  function loadVega(src, css) {
    if (window.vegaEmbed) {
      return Promise.resolve(window.vegaEmbed);
    }
    // shared by every copy of this script on the page, so the bundle loads once
    var loading = window.__chartsVegaLoading;
    if (!loading) {
      if (css && !document.querySelector('link[data-vega-css]')) {
        var link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = css;
        link.setAttribute("data-vega-css", "");
        document.head.appendChild(link);
      }
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () {
          if (window.vegaEmbed) {
            resolve(window.vegaEmbed);
          } else {
            reject(new Error(src + " loaded but did not define vegaEmbed"));
          }
        };
        script.onerror = function () {
          reject(new Error("could not load " + src));
        };
        document.head.appendChild(script);
      });
      window.__chartsVegaLoading = loading;
    }
    return loading;
  }

  function fetchSpec(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  function upgrade(figure) {
    var caption = figure.querySelector(".chart-title");
    var vegaSrc = figure.getAttribute("data-vega");
    if (!caption || !vegaSrc) {
      return Promise.resolve();
    }
    return Promise.all([loadVega(vegaSrc, figure.getAttribute("data-vega-css")), fetchSpec(figure.getAttribute("data-spec"))])
      .then(function (got) {
        var vegaEmbed = got[0];
        var holder = document.createElement("div");
        holder.className = "chart-interactive";
        // Screen readers get the chart's title and description (the figure's own text) as its name.
        holder.setAttribute("role", "img");
        holder.setAttribute("aria-labelledby", figure.id + "-title " + figure.id + "-desc");
        caption.parentNode.insertBefore(holder, caption.nextSibling);
        var options = {
          renderer: "svg",
          actions: false,
          ast: true,
          defaultStyle: false,
          tooltip: { disableDefaultStyle: true, sanitize: escapeHtml }
        };
        // On a phone the plot is drawn as wide as the column leaves it (less the y axis), so its
        // text keeps its size instead of the whole chart being scaled down; wider, as the spec says.
        var room = holder.clientWidth - PHONE_AXIS_ROOM;
        if (room > 0 && room < got[1].width) {
          options.width = Math.max(PHONE_MIN_PLOT, room);
        }
        return vegaEmbed(holder, got[1], options).then(function () {
          var table = figure.querySelector("details.chart-data");
          if (table) {
            table.open = false;  // the chart is drawn: its table is one click away
          }
          figure.setAttribute("data-chart-state", "interactive");
        }, function (error) {
          holder.parentNode.removeChild(holder);
          throw error;
        });
      })
      .catch(function (error) {
        // The table is still open; say why the interactive chart is not there.
        if (window.console) {
          console.warn("chart " + figure.id + ": " + error.message);
        }
      });
  }

  var PHONE_AXIS_ROOM = 70;  // px the y axis (labels and title) takes left of the plot
  var PHONE_MIN_PLOT = 200;

  function escapeHtml(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // Upgrade a chart when it comes near the viewport: pages with many charts load Vega only once
  // it is needed.
  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          upgrade(entry.target);
        }
      });
    }, { rootMargin: "200px" });
    figures.forEach(function (f) { observer.observe(f); });
  } else {
    figures.forEach(upgrade);
  }
})();
