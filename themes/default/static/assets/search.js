// primer's search client. No dependencies and no wasm: it fetches only the
// index shards a query needs (see src/search/mod.rs for the format).
// A classic script, so it also runs from file:// pages; in Node it is a
// CommonJS module whose openSite(dir) queries a built site from disk.
(function (global) {
  "use strict";

  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var VALUE = {};
  for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS[d]] = d;
  var EXACT = 1, PREFIX = 0.7, TYPO = 0.5;
  // One typo is tolerated between words of 5 letters or more, typed with
  // 4 or more (a letter left out).
  var MIN_TYPED = 4, MIN_TYPO_WORD = 5;

  function normalize(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return normalize(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function readVarint(text, at) {
    var value = 0, shift = 0, digit;
    do {
      digit = VALUE[text[at.i++]];
      value += (digit & 31) * Math.pow(2, shift);
      shift += 5;
    } while (digit & 32);
    return value;
  }

  function parseShard(payload) {
    var lines = payload.split("\n");
    var count = Number(lines[0]);
    var stems = lines.slice(1, count + 1);
    var list = [], redirects = {}, cards = {};
    for (var i = count + 1; i < lines.length; i++) {
      if (!lines[i]) continue;
      if (lines[i][0] === "[") {
        // The card of a best title match: [id, url, title, kind, level, tags, summary].
        var card = JSON.parse(lines[i]);
        cards[card[0]] = card;
        continue;
      }
      var tab = lines[i].indexOf("\t");
      var key = lines[i].slice(0, tab);
      if (lines[i][tab + 1] === "~") (redirects[key] = redirects[key] || []).push(lines[i].slice(tab + 2));
      else list.push([key, readVarint(lines[i], { i: tab + 1 })]);
    }
    return { stems: stems, words: list, redirects: redirects, cards: cards, postings: {} };
  }

  function postings(shard, stem) {
    if (!shard.postings[stem]) {
      var text = shard.stems[stem], at = { i: 0 }, doc = 0, out = [];
      var unit = text ? readVarint(text, at) / 100 / 4095 : 0;
      while (at.i < text.length) {
        doc += readVarint(text, at);
        var weight = VALUE[text[at.i]] * 64 + VALUE[text[at.i + 1]];
        at.i += 2;
        out.push(doc, weight * unit);
      }
      shard.postings[stem] = out;
    }
    return shard.postings[stem];
  }

  // Whether a and b differ by at most one insertion, deletion, change or
  // swap of two neighbouring letters.
  function oneEditApart(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    if (a.length === b.length) {
      var diff = [];
      for (var k = 0; k < a.length && diff.length < 3; k++) if (a[k] !== b[k]) diff.push(k);
      if (diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]) return true;
    }
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (a.length < b.length) j++;
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  function oneTypo(candidate, typed) {
    return candidate !== typed && Math.min(candidate.length, typed.length) >= MIN_TYPED &&
      Math.max(candidate.length, typed.length) >= MIN_TYPO_WORD && oneEditApart(candidate, typed);
  }

  function lowerBound(list, word) {
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid][0] < word) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  function createEngine(options) {
    var prefix = options.prefix || 1;
    var block = options.block || 1;
    var files = {};
    var shards = {};
    // Cards from every shard loaded so far, by document.
    var cards = {};
    function get(name) {
      if (!(name in files)) files[name] = options.load(name);
      return files[name];
    }
    function shardKey(word) {
      return word.slice(0, prefix).replace(/[^a-z0-9]/g, "_");
    }
    function shard(word) {
      return loadShard(shardKey(word));
    }
    function loadShard(key) {
      if (!shards[key]) {
        shards[key] = get("t/" + key).then(function (payload) {
          if (!payload) return null;
          var parsed = parseShard(payload);
          Object.assign(cards, parsed.cards);
          return parsed;
        });
      }
      return shards[key];
    }
    // Documents of the word `target` exactly, into `scores` at `factor`.
    function addExact(target, factor, scores) {
      return shard(target).then(function (s) {
        if (!s) return;
        var at = lowerBound(s.words, target);
        if (at < s.words.length && s.words[at][0] === target) addPostings(s, s.words[at][1], factor, scores);
      });
    }
    function addPostings(s, stem, factor, scores) {
      var list = postings(s, stem);
      for (var k = 0; k < list.length; k += 2) {
        var score = list[k + 1] * factor;
        if (!(scores[list[k]] >= score)) scores[list[k]] = score;
      }
    }
    function isEmpty(scores) {
      for (var key in scores) return false;
      return true;
    }

    // Documents matching one query word, by how: `exact` for the word
    // itself and, while typing, the words it begins; `typo` for words one
    // typo away. A typo in the first two letters moves the word to another
    // shard: the index points there from the shard of the misspelling, and
    // an extra first or second letter is tried by leaving it out. Those
    // cost fetches, so they are followed when the word alone finds nothing
    // or when `wide` asks for more.
    function matchWord(word, typing, wide) {
      var found = { exact: {}, typo: {} };
      var tolerant = word.length >= MIN_TYPED;
      return shard(word).then(function (s) {
        if (s) {
          var at = lowerBound(s.words, word);
          if (at < s.words.length && s.words[at][0] === word) addPostings(s, s.words[at][1], EXACT, found.exact);
          if (typing) {
            for (var p = at; p < s.words.length && s.words[p][0].lastIndexOf(word, 0) === 0; p++) {
              if (s.words[p][0] !== word) addPostings(s, s.words[p][1], PREFIX, found.exact);
            }
          }
          if (tolerant) {
            for (var t = 0; t < s.words.length; t++) {
              if (oneTypo(s.words[t][0], word)) addPostings(s, s.words[t][1], TYPO, found.typo);
            }
          }
        }
        if (!tolerant || !(wide || (isEmpty(found.exact) && isEmpty(found.typo)))) return found;
        var redirects = s ? Promise.resolve(s) : loadShard(shardKey(word).slice(0, prefix - 1) + "~");
        return redirects.then(function (r) {
          var targets = (r && r.redirects[word]) || [];
          return Promise.all(targets.map(function (target) { return addExact(target, TYPO, found.typo); }));
        }).then(function () {
          if (!isEmpty(found.typo) || word.length <= MIN_TYPED) return found;
          var shifted = [word.slice(1), word[0] + word.slice(2)];
          return Promise.all(shifted.map(function (v) { return addExact(v, TYPO, found.typo); })).then(function () { return found; });
        });
      });
    }

    // Documents matching every word, fewest typos first, then by score.
    function rank(perWord) {
      var totals = {}, typos = {};
      var candidates = Object.assign({}, perWord[0].typo, perWord[0].exact);
      Object.keys(candidates).forEach(function (doc) {
        var sum = 0, count = 0;
        for (var i = 0; i < perWord.length; i++) {
          if (doc in perWord[i].exact) sum += perWord[i].exact[doc];
          else if (doc in perWord[i].typo) { sum += perWord[i].typo[doc]; count++; }
          else return;
        }
        totals[doc] = sum;
        typos[doc] = count;
      });
      var ranked = Object.keys(totals).map(Number).sort(function (a, b) {
        return typos[a] - typos[b] || totals[b] - totals[a] || a - b;
      });
      return { docs: ranked, totals: totals };
    }

    function passes(facet, filters) {
      if (!filters) return true;
      if (filters.kind && facet[0] !== filters.kind) return false;
      if (filters.level && facet[1] !== filters.level) return false;
      var tags = filters.tags || [];
      if (!tags.length) return true;
      var has = function (tag) { return facet[2].indexOf(tag) >= 0; };
      return filters.match === "all" ? tags.every(has) : tags.some(has);
    }

    // The `limit` best documents; the first `excerpts` of them (all by
    // default) come with an excerpt, which costs a fetch per few documents.
    function search(query, filters, limit, excerpts) {
      limit = limit || 10;
      excerpts = excerpts === undefined ? limit : excerpts;
      var terms = words(query).filter(function (w) { return w.length >= prefix; });
      if (!terms.length) return Promise.resolve([]);
      var typing = !/\s$/.test(query);
      var match = function (wide) {
        return Promise.all(terms.map(function (w, i) { return matchWord(w, typing && i === terms.length - 1, wide); }));
      };
      return match(false)
        .then(function (perWord) {
          var found = rank(perWord);
          // Too few results: follow the typos that cost fetches too.
          var tolerant = terms.some(function (w) { return w.length >= MIN_TYPED; });
          return found.docs.length >= limit || !tolerant ? found : match(true).then(rank);
        })
        .then(function (found) {
          var ranked = found.docs, totals = found.totals;
          var filtering = filters && (filters.kind || filters.level || (filters.tags && filters.tags.length));
          var narrowed = filtering
            ? get("facets").then(function (facets) { return ranked.filter(function (doc) { return passes(facets[doc], filters); }); })
            : Promise.resolve(ranked);
          return narrowed.then(function (docs) {
            return describe(docs.slice(0, limit), totals, terms, excerpts).then(function (results) {
              results.total = docs.length;
              return results;
            });
          });
        });
    }

    // A result's card from a shard serves when its title and summary show
    // every query word; otherwise the result file has the text to quote.
    function describe(docs, totals, terms, excerpts) {
      return Promise.all(docs.map(function (doc, place) {
        var card = cards[doc];
        var cardWords = card ? words(titleText(card[2]) + " " + card[6]) : [];
        var shown = card && terms.every(function (t) { return cardWords.some(matcher([t])); });
        var meta = shown
          ? Promise.resolve(card.slice(1, 6).concat([[["", "", card[6]]]]))
          : get("r/" + Math.floor(doc / block)).then(function (results) { return results[doc % block]; });
        return meta.then(function (meta) {
          var excerpt = place < excerpts ? makeExcerpt(meta[5], terms) : { html: "", anchor: "" };
          return {
            url: meta[0] + (excerpt.anchor ? "#" + excerpt.anchor : ""),
            title: titleText(meta[1]),
            // Inline Markdown rendered by primer, safe to insert.
            titleHtml: typeof meta[1] === "string" ? escapeHtml(meta[1]) : meta[1][1],
            kind: meta[2],
            level: meta[3],
            tags: meta[4],
            excerpt: excerpt.html,
            score: totals[doc]
          };
        });
      }));
    }

    return { search: search, words: words };
  }

  // A title is its text, or [text, html] when it has inline Markdown.
  function titleText(title) {
    return typeof title === "string" ? title : title[0];
  }

  // Whether a word of the text matches one of the query words: as a
  // prefix, or with one typo.
  function matcher(terms) {
    return function (word) {
      var w = normalize(word);
      return terms.some(function (t) { return w.lastIndexOf(t, 0) === 0 || oneTypo(w, t); });
    };
  }

  // The section with the most query words, cut around the first of them,
  // escaped, with every matching word in <mark>.
  function makeExcerpt(sections, terms) {
    var matches = matcher(terms);
    var best = null, bestCount = -1;
    (sections || []).forEach(function (section) {
      var count = (section[1] + " " + section[2]).split(/\s+/).filter(matches).length;
      if (count > bestCount) { best = section; bestCount = count; }
    });
    if (!best) return { html: "", anchor: "" };
    var tokens = best[2].split(/(\s+)/);
    var first = tokens.findIndex(function (t) { return /\S/.test(t) && matches(t.replace(/^\W+|\W+$/g, "")); });
    var start = Math.max(0, (first < 0 ? 0 : first) - 16);
    var slice = tokens.slice(start, start + 60);
    var html = slice.map(function (token) {
      var core = token.replace(/^\W+|\W+$/g, "");
      if (core && matches(core)) {
        var at = token.indexOf(core);
        return escapeHtml(token.slice(0, at)) + "<mark>" + escapeHtml(core) + "</mark>" + escapeHtml(token.slice(at + core.length));
      }
      return escapeHtml(token);
    }).join("");
    return { html: (start > 0 ? "… " : "") + html + (start + 60 < tokens.length ? " …" : ""), anchor: best[0] };
  }

  // Index files carry gzipped JSON in base64; the platform inflates it.
  function inflate(encoded) {
    var binary = atob(encoded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }

  // Browsers: every index file is a script that calls primerSearch.load.
  function scriptLoader(base) {
    var waiting = {};
    global.primerSearch = {
      load: function (name, data) {
        if (waiting[name]) waiting[name](inflate(data));
      }
    };
    return function (name) {
      return new Promise(function (resolve) {
        waiting[name] = resolve;
        var script = document.createElement("script");
        script.src = base + name + ".js";
        script.async = true;
        script.onerror = function () { resolve(null); };
        document.head.appendChild(script);
      });
    };
  }

  // Node: read the same files from a built site.
  function openSite(dir) {
    var fs = require("fs"), path = require("path");
    var html = fs.readFileSync(path.join(dir, "index.html"), "utf8");
    var meta = /<meta name="primer-search" content="([^"]*)" data-prefix="(\d+)" data-block="(\d+)"/.exec(html);
    if (!meta) throw new Error("no search index in " + dir);
    var base = path.join(dir, meta[1]);
    var bytes = 0, requests = 0, fetched = [];
    var engine = createEngine({
      prefix: Number(meta[2]),
      block: Number(meta[3]),
      load: function (name) {
        var file = path.join(base, name + ".js");
        if (!fs.existsSync(file)) return Promise.resolve(null);
        var code = fs.readFileSync(file, "utf8");
        bytes += Buffer.byteLength(code);
        requests += 1;
        fetched.push(name);
        var data = null;
        new Function("primerSearch", code)({ load: function (_, value) { data = value; } });
        return data === null ? Promise.resolve(null) : inflate(data);
      }
    });
    engine.transferred = function () { return { bytes: bytes, requests: requests, files: fetched.slice() }; };
    return engine;
  }

  // How many results the panel shows; "All N results" opens the rest.
  var PANEL_RESULTS = 8;

  // "#tag" words filter by tag, like the card filter in "all" mode.
  function parseQuery(query) {
    var tags = (query.match(/#[\w-]+/g) || []).map(function (t) { return t.slice(1); });
    return { text: query.replace(/#[\w-]+/g, " "), tags: tags };
  }

  function resultItem(root, r) {
    var details = [r.kind, r.level].filter(Boolean).join(" · ");
    return '<li><a href="' + escapeHtml(root + r.url) + '">' +
      '<span class="result-title">' + r.titleHtml + '</span> <span class="result-meta">' + escapeHtml(details) + "</span>" +
      '<span class="result-excerpt">' + r.excerpt + "</span></a></li>";
  }

  function engineFor(meta) {
    var base = meta.getAttribute("content");
    return {
      root: base.replace(/search\/[^/]+\/$/, ""),
      engine: createEngine({ prefix: Number(meta.dataset.prefix), block: Number(meta.dataset.block), load: scriptLoader(base) })
    };
  }

  function resultsPageUrl(root, query) {
    var page = root + "search/" + (location.protocol === "file:" ? "index.html" : "");
    return page + "?q=" + encodeURIComponent(query);
  }

  // The search box in the header: results in a panel under it, links
  // that arrows move between, Escape back to the box.
  function setUpSearchBox() {
    var box = document.querySelector("[data-search]");
    var meta = document.querySelector("meta[name=primer-search]");
    if (!box || !meta) return;
    var input = box.querySelector("[data-search-input]");
    var panel = box.querySelector("[data-search-panel]");
    var list = box.querySelector("[data-search-results]");
    var status = box.querySelector("[data-search-status]");
    var all = box.querySelector("[data-search-all]");
    var kind = box.querySelector("[data-search-kind]");
    var level = box.querySelector("[data-search-level]");
    var site = engineFor(meta);
    var latest = 0, timer = 0;
    box.hidden = false;

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    function close() { panel.hidden = true; }
    function run() {
      var query = input.value;
      var ticket = ++latest;
      if (!query.trim()) { close(); return; }
      var parsed = parseQuery(query);
      var filters = { tags: parsed.tags, match: "all", kind: kind.value, level: level.value };
      site.engine.search(parsed.text, filters, PANEL_RESULTS).then(function (results) {
        if (ticket !== latest) return;
        list.innerHTML = results.map(function (r) { return resultItem(site.root, r); }).join("");
        list.hidden = !results.length;
        status.textContent = results.length
          ? results.total + (results.total === 1 ? " result" : " results")
          : "No results for “" + query.trim() + "”";
        all.hidden = results.total <= results.length;
        all.textContent = "All " + results.total + " results";
        all.href = resultsPageUrl(site.root, query.trim());
        panel.hidden = false;
      });
    }
    // Typing fast starts one search, not one per key.
    function soon() {
      clearTimeout(timer);
      timer = setTimeout(run, 60);
    }
    input.addEventListener("input", soon);
    kind.addEventListener("change", run);
    level.addEventListener("change", run);
    box.addEventListener("keydown", function (event) {
      var items = links();
      var at = items.indexOf(document.activeElement);
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        items[Math.min(at + 1, items.length - 1)].focus();
      } else if (event.key === "ArrowUp" && at >= 0) {
        event.preventDefault();
        if (at === 0) input.focus(); else items[at - 1].focus();
      } else if (event.key === "Enter" && event.target === input && items.length) {
        event.preventDefault();
        location.href = items[0].href;
      } else if (event.key === "Escape") {
        close();
        input.focus();
      }
    });
    // The panel closes when focus leaves the box, or a click lands outside.
    box.addEventListener("focusout", function (event) {
      if (!event.relatedTarget || !box.contains(event.relatedTarget)) close();
    });
    input.addEventListener("focus", function () { if (input.value.trim() && list.childElementCount) panel.hidden = false; });
    document.addEventListener("keydown", function (event) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName) || document.activeElement.isContentEditable;
      if (event.key === "/" && !typing) { event.preventDefault(); input.focus(); input.select(); }
    });
    document.addEventListener("click", function (event) { if (!box.contains(event.target)) close(); });
  }

  // The results page (search/?q=…): every hit with its excerpt.
  function setUpResultsPage() {
    var page = document.querySelector("[data-search-page]");
    var meta = document.querySelector("meta[name=primer-search]");
    if (!page || !meta) return;
    var form = page.querySelector("form");
    var input = page.querySelector("input[name=q]");
    var list = page.querySelector("[data-search-page-results]");
    var status = page.querySelector("[data-search-page-status]");
    var site = engineFor(meta);
    form.hidden = false;
    var query = new URLSearchParams(location.search).get("q") || "";
    input.value = query;
    if (!query.trim()) { status.textContent = "Type words to search for."; return; }
    document.title = "“" + query + "” · " + document.title;
    var parsed = parseQuery(query);
    site.engine.search(parsed.text, { tags: parsed.tags, match: "all" }, 1000).then(function (results) {
      list.innerHTML = results.map(function (r) { return resultItem(site.root, r); }).join("");
      status.textContent = results.length
        ? results.length + (results.length === 1 ? " result" : " results") + " for “" + query + "”"
        : "No results for “" + query + "”";
    });
  }

  var api = { createEngine: createEngine, openSite: openSite, words: words };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else {
    global.PrimerSearch = api;
    if (typeof document !== "undefined") {
      var setUp = function () { setUpSearchBox(); setUpResultsPage(); };
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
      else setUp();
    }
  }
})(typeof globalThis !== "undefined" ? globalThis : this);
