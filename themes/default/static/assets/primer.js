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
    var params = new URLSearchParams(location.search);
    if (state.tags.length) params.set("tags", state.tags.join(",")); else params.delete("tags");
    if (state.match === "all") params.set("match", "all"); else params.delete("match");
    if (state.level) params.set("level", state.level); else params.delete("level");
    var query = params.toString().replace(/%2C/g, ",");
    history.pushState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function matches(card, state) {
    var tags = card.dataset.tags ? card.dataset.tags.split(",") : [];
    var has = function (tag) { return tags.indexOf(tag) >= 0; };
    var tagsOk = state.tags.length === 0 ||
      (state.match === "all" ? state.tags.every(has) : state.tags.some(has));
    return tagsOk && (!state.level || card.dataset.level === state.level);
  }

  function setUpFilter(filter) {
    var cards = Array.prototype.slice.call(document.querySelectorAll("[data-cards] .card"));
    var controls = filter.querySelector("[data-filter-controls]");
    var count = filter.querySelector("[data-count]");
    var level = filter.querySelector("[data-level]");
    var radios = filter.querySelectorAll("input[name=match]");
    var noMatch = document.querySelector("[data-no-match]");
    var state = readState();
    if (controls) controls.hidden = false;

    // Without JavaScript chips are links to the tag pages; with it they
    // become toggle buttons.
    var chips = Array.prototype.map.call(filter.querySelectorAll("a.chip"), function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chip";
      button.dataset.tag = link.dataset.tag;
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

    function apply() {
      chips.forEach(function (chip) {
        chip.setAttribute("aria-pressed", state.tags.indexOf(chip.dataset.tag) >= 0 ? "true" : "false");
      });
      Array.prototype.forEach.call(radios, function (radio) { radio.checked = radio.value === state.match; });
      if (level) level.value = state.level;
      var shown = 0;
      cards.forEach(function (card) {
        card.hidden = !matches(card, state);
        if (!card.hidden) shown += 1;
      });
      if (count) count.textContent = shown + " of " + cards.length + " shown";
      if (noMatch) noMatch.hidden = shown > 0;
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

  setUpThemeToggle();
  setUpCopyButtons();
  var filter = document.querySelector("[data-filter]");
  if (filter) setUpFilter(filter);
})();
