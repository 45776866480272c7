// primer's default theme: colour scheme toggle, copy buttons and the card
// filter. Plain script (not a module) so it also runs from file:// URLs.
(function () {
  "use strict";

  function setUpThemeToggle() {
    var toggle = document.querySelector("[data-theme-toggle]");
    if (!toggle) return;
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var root = document.documentElement;
      var prefersDark = window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches;
      var current = root.dataset.theme || (prefersDark ? "dark" : "light");
      var next = current === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("primer-theme", next); } catch (e) { /* private mode */ }
    });
  }

  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } finally { area.remove(); }
    return Promise.resolve();
  }

  function setUpCopyButtons() {
    document.querySelectorAll(".copy-code").forEach(function (button) {
      button.addEventListener("click", function () {
        var code = button.parentElement.querySelector("code");
        copyText(code ? code.innerText : "").then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        });
      });
    });
  }

  // The filter's state lives in the URL (?tags=a,b&match=all&level=x), so
  // a filtered listing can be shared and the back button undoes a click.
  function readState() {
    var params = new URLSearchParams(location.search);
    return {
      tags: (params.get("tags") || "").split(",").filter(Boolean),
      match: params.get("match") === "all" ? "all" : "any",
      level: params.get("level") || ""
    };
  }

  function writeState(state) {
    // Always tags, match, level in that order, then anything else.
    var params = new URLSearchParams();
    if (state.tags.length) params.set("tags", state.tags.join(","));
    if (state.match === "all") params.set("match", "all");
    if (state.level) params.set("level", state.level);
    new URLSearchParams(location.search).forEach(function (value, key) {
      if (key !== "tags" && key !== "match" && key !== "level") params.append(key, value);
    });
    var query = params.toString().replace(/%2C/g, ",");
    history.pushState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function cardTags(card) {
    return card.dataset.tags ? card.dataset.tags.split(",") : [];
  }

  function matches(card, state, tags) {
    var has = function (tag) { return tags.indexOf(tag) >= 0; };
    var selected = state.tags;
    var tagsOk = selected.length === 0 ||
      (state.match === "all" ? selected.every(has) : selected.some(has));
    return tagsOk && (!state.level || card.dataset.level === state.level);
  }

  // With more tags than this, the most used show first and the rest
  // behind "All N tags".
  var TOP_TAGS = 12;

  function setUpFilter(filter) {
    var cards = Array.prototype.slice.call(document.querySelectorAll("[data-cards] .card"));
    var tagsOf = cards.map(cardTags);
    var controls = filter.querySelector("[data-filter-controls]");
    var count = filter.querySelector("[data-count]");
    var level = filter.querySelector("[data-level]");
    var radios = filter.querySelectorAll("input[name=match]");
    var noMatch = document.querySelector("[data-no-match]");
    var toggle = filter.querySelector("[data-filter-toggle]");
    var search = filter.querySelector("[data-tag-search]");
    var allTags = filter.querySelector("[data-all-tags]");
    var noTags = filter.querySelector("[data-no-tags]");
    var groups = Array.prototype.slice.call(filter.querySelectorAll("[data-tag-group]"));
    var state = readState();
    var expanded = false;
    filter.classList.add("filter-js");
    if (controls) controls.hidden = false;
    if (search) search.hidden = false;
    if (allTags) allTags.hidden = false;
    if (toggle) toggle.hidden = false;

    // Without JavaScript chips are links to the tag pages; with it they
    // become toggle buttons.
    var chips = Array.prototype.map.call(filter.querySelectorAll("a.chip"), function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.dataset.tag = link.dataset.tag;
      button.dataset.rank = link.dataset.rank;
      button.innerHTML = link.innerHTML;
      link.replaceWith(button);
      button.addEventListener("click", function () {
        var at = state.tags.indexOf(button.dataset.tag);
        if (at >= 0) state.tags.splice(at, 1); else state.tags.push(button.dataset.tag);
        writeState(state);
        apply();
      });
      return button;
    });

    // What choosing `tag` would show: with "all", the cards that also
    // carry it; with "any", the cards it brings.
    function facet(tag) {
      var n = 0;
      for (var i = 0; i < cards.length; i++) {
        var tags = tagsOf[i];
        if (tags.indexOf(tag) < 0) continue;
        if (state.level && cards[i].dataset.level !== state.level) continue;
        if (state.match === "all" && !state.tags.every(function (t) { return tags.indexOf(t) >= 0; })) continue;
        n += 1;
      }
      return n;
    }

    // Which chips show: those the text box matches, else the most used
    // (and the chosen) until "All N tags" is pressed.
    function showChips() {
      var query = search ? search.value.trim().toLowerCase() : "";
      var any = false;
      chips.forEach(function (chip) {
        var chosen = state.tags.indexOf(chip.dataset.tag) >= 0;
        var shown = query
          ? chip.dataset.tag.toLowerCase().indexOf(query) >= 0
          : expanded || !allTags || chosen || Number(chip.dataset.rank) <= TOP_TAGS;
        chip.hidden = !shown;
        any = any || shown;
      });
      groups.forEach(function (group) {
        group.hidden = !group.querySelector(".chip:not([hidden])");
      });
      if (noTags) noTags.hidden = any;
      if (allTags) {
        allTags.hidden = !!query;
        allTags.setAttribute("aria-expanded", expanded ? "true" : "false");
        allTags.textContent = expanded ? "Most used tags" : "All " + chips.length + " tags";
      }
    }

    function apply() {
      chips.forEach(function (chip) {
        var chosen = state.tags.indexOf(chip.dataset.tag) >= 0;
        var n = facet(chip.dataset.tag);
        chip.setAttribute("aria-pressed", chosen ? "true" : "false");
        chip.disabled = n === 0 && !chosen;
        chip.querySelector(".chip-count").textContent = n;
      });
      Array.prototype.forEach.call(radios, function (radio) { radio.checked = radio.value === state.match; });
      if (level) level.value = state.level;
      var shown = 0;
      cards.forEach(function (card, i) {
        card.hidden = !matches(card, state, tagsOf[i]);
        if (!card.hidden) shown += 1;
      });
      if (count) count.textContent = shown + " of " + cards.length + " shown";
      if (noMatch) noMatch.hidden = shown > 0;
      if (toggle) {
        var active = state.tags.length + (state.level ? 1 : 0);
        toggle.textContent = active ? "Filter (" + active + ")" : "Filter";
      }
      showChips();
    }

    if (toggle) {
      toggle.addEventListener("click", function () {
        var open = !filter.classList.contains("filter-open");
        filter.classList.toggle("filter-open", open);
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    if (search) search.addEventListener("input", showChips);
    if (allTags) {
      allTags.addEventListener("click", function () {
        expanded = !expanded;
        showChips();
      });
    }
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", function () {
        state.match = radio.value === "all" ? "all" : "any";
        writeState(state);
        apply();
      });
    });
    if (level) {
      level.addEventListener("change", function () {
        state.level = level.value;
        writeState(state);
        apply();
      });
    }
    document.querySelectorAll("[data-clear]").forEach(function (button) {
      button.addEventListener("click", function () {
        state = { tags: [], match: "any", level: "" };
        writeState(state);
        apply();
      });
    });
    window.addEventListener("popstate", function () {
      state = readState();
      apply();
    });
    apply();
  }

  // Opened from disk, a link to a folder shows a directory listing: such
  // links get the folder's index.html, those on the page and those added
  // later (search results).
  function setUpDiskLinks() {
    if (location.protocol !== "file:") return;
    function fix(link) {
      var href = link.getAttribute("href");
      if (!href || /^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") return;
      var url = new URL(href, location.href);
      if (url.protocol === "file:" && /\/$/.test(url.pathname)) {
        url.pathname += "index.html";
        link.href = url.href;
      }
    }
    function fixAll(node) {
      if (node.nodeType !== 1) return;
      if (node.matches("a[href]")) fix(node);
      node.querySelectorAll("a[href]").forEach(fix);
    }
    fixAll(document.body);
    new MutationObserver(function (records) {
      records.forEach(function (record) { record.addedNodes.forEach(fixAll); });
    }).observe(document.body, { childList: true, subtree: true });
  }

  // "On this page" comes before the article and starts folded on narrow
  // screens; beside it on wide ones, it stays open.
  function setUpToc() {
    if (!window.matchMedia || !matchMedia("(max-width: 59.99rem)").matches) return;
    document.querySelectorAll("[data-toc]").forEach(function (toc) { toc.open = false; });
  }

  // The sidebar opens scrolled to the current page.
  function setUpSidebar() {
    var sidebar = document.querySelector(".sidebar");
    var current = sidebar && sidebar.querySelector("[aria-current=page]");
    if (!current || !sidebar.offsetParent) return;
    var top = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
    sidebar.scrollTop += top - sidebar.clientHeight / 2;
  }

  // A page's Python blocks (marked data-cell) as a `# %%` script and as a
  // Jupyter notebook whose Markdown cells hold the prose between them,
  // built when a download link is clicked: the site need not carry two
  // files per page. A block's data-code holds its code with hidden lines.
  function cellCode(block) {
    var code = block.getAttribute("data-code");
    if (code === null) code = block.querySelector("code").textContent;
    return code.replace(/\n+$/, "");
  }

  function scriptText(box, blocks) {
    var text = "# " + box.dataset.title + "\n#\n";
    if (box.dataset.summary) text += "# " + box.dataset.summary + "\n";
    text += "# " + box.dataset.url + "\n";
    blocks.forEach(function (block) { text += "\n# %%\n" + cellCode(block) + "\n"; });
    return text;
  }

  function sourceLines(text) {
    return text.split(/(?<=\n)/);
  }

  // The prose from `start` (after the last cell, or the article's start)
  // up to `end` (a cell, or the article's end), as HTML without buttons.
  function proseHtml(prose, start, end) {
    var range = document.createRange();
    if (start) range.setStartAfter(start); else range.setStart(prose, 0);
    if (end) range.setEndBefore(end); else range.setEnd(prose, prose.childNodes.length);
    var holder = document.createElement("div");
    holder.appendChild(range.cloneContents());
    holder.querySelectorAll("button, .output-label").forEach(function (node) { node.remove(); });
    return holder.textContent.trim() || holder.querySelector("img") ? holder.innerHTML.trim() : "";
  }

  function notebookText(box, prose, blocks) {
    var cells = [];
    function add(type, source) {
      if (!source) return;
      var cell = { cell_type: type, id: "cell-" + cells.length, metadata: {}, source: sourceLines(source) };
      if (type === "code") { cell.execution_count = null; cell.outputs = []; }
      cells.push(cell);
    }
    add("markdown", "# " + box.dataset.title + (box.dataset.summary ? "\n\n" + box.dataset.summary : ""));
    var after = null;
    blocks.forEach(function (block) {
      add("markdown", proseHtml(prose, after, block));
      add("code", cellCode(block));
      // The block's output belongs to its cell, not to the prose.
      after = block;
      while (after.nextElementSibling && after.nextElementSibling.matches(".output-block")) after = after.nextElementSibling;
    });
    add("markdown", proseHtml(prose, after, null));
    return JSON.stringify({
      cells: cells,
      metadata: {
        kernelspec: { display_name: "Python 3", language: "python", name: "python3" },
        language_info: { name: "python" }
      },
      nbformat: 4,
      nbformat_minor: 5
    }, null, 1) + "\n";
  }

  function setUpDownloads() {
    var box = document.querySelector("[data-downloads]");
    var prose = document.querySelector(".prose");
    if (!box || !prose) return;
    var blocks = Array.prototype.slice.call(prose.querySelectorAll("[data-cell]"));
    var build = {
      script: function () { return new Blob([scriptText(box, blocks)], { type: "text/x-python" }); },
      notebook: function () { return new Blob([notebookText(box, prose, blocks)], { type: "application/x-ipynb+json" }); }
    };
    box.querySelectorAll("[data-build]").forEach(function (link) {
      var make = build[link.dataset.build];
      if (!make) return;
      link.hidden = false;
      // Built on first use, before the browser follows the link.
      link.addEventListener("click", function () {
        if (!/^blob:/.test(link.href)) link.href = URL.createObjectURL(make());
      });
    });
  }

  // A table wider than the screen scrolls sideways in its own box (see
  // style.css); the keyboard must be able to reach it to scroll it.
  function setUpWideTables() {
    document.querySelectorAll(".prose table, .output-html").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && box.tabIndex < 0) box.tabIndex = 0;
    });
  }

  // The API index: objects whose name holds what is typed stay shown,
  // and a module with none of them hides. The query is kept in the URL.
  function setUpApiFilter(box) {
    var input = box.querySelector("[data-api-filter-input]");
    var count = box.querySelector("[data-api-count]");
    var none = document.querySelector("[data-no-match]");
    var modules = Array.prototype.slice.call(document.querySelectorAll("[data-api-module]"));
    var total = document.querySelectorAll("[data-api-name]").length;
    box.hidden = false;
    function apply() {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      modules.forEach(function (module) {
        var any = false;
        module.querySelectorAll("[data-api-name]").forEach(function (item) {
          var match = item.dataset.apiName.indexOf(query) >= 0;
          item.hidden = !match;
          if (match) { any = true; shown += 1; }
        });
        module.hidden = !any;
      });
      count.textContent = shown + " of " + total + " shown";
      if (none) none.hidden = shown > 0;
      var params = new URLSearchParams(location.search);
      if (query) params.set("q", query); else params.delete("q");
      var search = params.toString();
      history.replaceState(null, "", location.pathname + (search ? "?" + search : "") + location.hash);
    }
    input.value = new URLSearchParams(location.search).get("q") || "";
    input.addEventListener("input", apply);
    apply();
  }

  // The version switcher and the banner of a version that is not the
  // preferred one, from versions.json as it is now: an old build shows
  // today's list without being rebuilt. Without JavaScript the switcher
  // is a link to the list; opened from disk, there is no list to fetch.
  function setUpVersions(link) {
    if (location.protocol === "file:") {
      link.hidden = true;
      return;
    }
    var here = link.getAttribute("data-version");
    var rootMeta = document.querySelector('meta[name="primer-root"]');
    var root = new URL((rootMeta && rootMeta.content) || "./", location.href);
    var path = location.pathname.indexOf(root.pathname) === 0 ? location.pathname.slice(root.pathname.length) : "";
    var listUrl = link.href;
    function home(version) {
      var url = new URL(version.url, listUrl);
      if (!/\/$/.test(url.pathname)) url.pathname += "/";
      return url;
    }
    // The same page in another version when it has it, else its home.
    function samePage(version) {
      var start = home(version);
      var same = new URL(path, start);
      return fetch(same.href, { method: "HEAD" })
        .then(function (response) { return response.ok ? same : start; })
        .catch(function () { return start; });
    }
    fetch(listUrl)
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (list) {
        if (!Array.isArray(list)) return;
        // Only web addresses: the list is data, and a `javascript:` URL in
        // it must not become a link.
        list = list.filter(function (v) {
          if (!v || typeof v.version !== "string" || typeof v.url !== "string") return false;
          try {
            return /^https?:$/.test(home(v).protocol);
          } catch (e) {
            return false;
          }
        });
        var select = document.createElement("select");
        select.className = "version-select";
        select.setAttribute("aria-label", "Version");
        select.setAttribute("data-version-select", "");
        var current = null;
        list.forEach(function (version, index) {
          var option = new Option(version.title || version.version, String(index));
          if (version.version === here) {
            option.selected = true;
            current = version;
          }
          select.add(option);
        });
        if (!current) {
          var own = new Option(here, "");
          own.selected = true;
          select.add(own, 0);
        }
        select.addEventListener("change", function () {
          var version = list[Number(select.value)];
          if (!version || select.value === "") return;
          samePage(version).then(function (url) { location.href = url.href; });
        });
        link.hidden = true;
        link.insertAdjacentElement("afterend", select);
        var preferred = list.filter(function (v) { return v.preferred === true; })[0];
        var banner = document.querySelector("[data-version-banner]");
        if (!banner || !preferred || preferred === current) return;
        var status = current && current.status;
        var what = status === "outdated" ? ", which is outdated" : status === "preview" || status === "dev" ? ", which is not released yet" : "";
        banner.textContent = "This is the documentation of version " + here + what + ". ";
        var go = document.createElement("a");
        go.textContent = "Read this page in version " + (preferred.title || preferred.version);
        go.href = home(preferred).href;
        banner.appendChild(go);
        banner.hidden = false;
        samePage(preferred).then(function (url) {
          go.href = url.href;
          go.setAttribute("data-checked", "");
        });
      })
      .catch(function () { /* the link to the list stays */ });
  }

  setUpDiskLinks();
  var versions = document.querySelector("[data-version-switch]");
  if (versions) setUpVersions(versions);
  setUpDownloads();
  setUpWideTables();
  setUpToc();
  setUpSidebar();
  setUpThemeToggle();
  setUpCopyButtons();
  var filter = document.querySelector("[data-filter]");
  if (filter) setUpFilter(filter);
  var apiFilter = document.querySelector("[data-api-filter]");
  if (apiFilter) setUpApiFilter(apiFilter);
})();
