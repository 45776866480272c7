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
  // A posting's weight is field * FIELD_SPAN + level (see src/search).
  var FIELD_SPAN = 819;
  // The characters of shard keys, for the bitmap of which shards exist.
  var KEY_CHARS = "^_0123456789abcdefghijklmnopqrstuvwxyz~";
  // Words that say little about what a reader looks for: left out of a
  // query unless it has nothing else. The same list as the index's.
  var STOPWORDS = {};
  ("a about after all also am an and any are as at be been but by can could did do does doing for from had has " +
    "have how i if in into is it its just me my no not of on or our out so some than that the their them then " +
    "there these they this those to too us was we were what when where which while who why will with would " +
    "you your").split(" ").forEach(function (w) { STOPWORDS[w] = true; });
  // One typo is tolerated between words of 5 letters or more, typed with
  // 4 or more (a letter left out).
  var MIN_TYPED = 4, MIN_TYPO_WORD = 5;
  // Letters of a word being typed before it is searched for.
  var MIN_PREFIX = 3;

  // The Snowball English stemmer (Porter2), as the index is built with, so
  // a query word finds its stem even when the site never writes that form
  // ("sorting" finds "sort"). Tested against the index's own stemmer.
  var stemEnglish = (function () {
    var EXCEPTIONS = {
      skis: "ski", skies: "sky", dying: "die", lying: "lie", tying: "tie", idly: "idl", gently: "gentl",
      ugly: "ugli", early: "earli", only: "onli", singly: "singl", sky: "sky", news: "news", howe: "howe",
      atlas: "atlas", cosmos: "cosmos", bias: "bias", andes: "andes"
    };
    var AFTER_1A = { inning: 1, outing: 1, canning: 1, herring: 1, earring: 1, proceed: 1, exceed: 1, succeed: 1 };
    var STEP2 = [
      ["ization", "ize"], ["ational", "ate"], ["fulness", "ful"], ["ousness", "ous"], ["iveness", "ive"],
      ["tional", "tion"], ["biliti", "ble"], ["lessli", "less"], ["entli", "ent"], ["ation", "ate"],
      ["alism", "al"], ["aliti", "al"], ["ousli", "ous"], ["iviti", "ive"], ["fulli", "ful"], ["enci", "ence"],
      ["anci", "ance"], ["abli", "able"], ["izer", "ize"], ["ator", "ate"], ["alli", "al"], ["bli", "ble"],
      ["ogi", "og"], ["li", ""]
    ];
    var STEP3 = [
      ["ational", "ate"], ["tional", "tion"], ["alize", "al"], ["icate", "ic"], ["iciti", "ic"], ["ative", ""],
      ["ical", "ic"], ["ness", ""], ["ful", ""]
    ];
    var STEP4 = ["ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive",
      "ize", "ion", "al", "er", "ic"];
    function vowel(c) { return "aeiouy".indexOf(c) >= 0; }
    function ends(w, s) { return w.length >= s.length && w.slice(w.length - s.length) === s; }
    // A short syllable ends the word at `end`.
    function shortSyllable(w, end) {
      if (end === 2) return vowel(w[0]) && !vowel(w[1]);
      if (end < 3) return false;
      return !vowel(w[end - 3]) && vowel(w[end - 2]) && !vowel(w[end - 1]) && "wxY".indexOf(w[end - 1]) < 0;
    }
    function longest(w, list) {
      for (var i = 0; i < list.length; i++) if (ends(w, Array.isArray(list[i]) ? list[i][0] : list[i])) return list[i];
      return null;
    }
    return function (word) {
      if (EXCEPTIONS[word]) return EXCEPTIONS[word];
      if (word.length < 3) return word;
      var w = word.charAt(0) === "'" ? word.slice(1) : word;
      w = w.replace(/^y/, "Y").replace(/([aeiouy])y/g, "$1Y");
      // R1 and R2: after the first non-vowel that follows a vowel.
      function region(from) {
        for (var i = from; i < w.length - 1; i++) if (vowel(w[i]) && !vowel(w[i + 1])) return i + 2;
        return w.length;
      }
      var prefix = /^(gener|commun|arsen)/.exec(w);
      var r1 = prefix ? prefix[0].length : region(0);
      var r2 = region(r1);
      // Step 0.
      var step0 = longest(w, ["'s'", "'s", "'"]);
      if (step0) w = w.slice(0, w.length - step0.length);
      // Step 1a.
      if (ends(w, "sses")) w = w.slice(0, -2);
      else if (ends(w, "ied") || ends(w, "ies")) w = w.slice(0, -3) + (w.length > 4 ? "i" : "ie");
      else if (ends(w, "us") || ends(w, "ss")) { /* kept */ }
      else if (ends(w, "s") && /[aeiouy]/.test(w.slice(0, -2))) w = w.slice(0, -1);
      if (AFTER_1A[w]) return w;
      // Step 1b.
      var step1b = longest(w, ["eedly", "ingly", "edly", "eed", "ing", "ed"]);
      if (step1b === "eed" || step1b === "eedly") {
        if (w.length - step1b.length >= r1) w = w.slice(0, w.length - step1b.length) + "ee";
      } else if (step1b) {
        var stem = w.slice(0, w.length - step1b.length);
        if (/[aeiouy]/.test(stem)) {
          w = stem;
          if (ends(w, "at") || ends(w, "bl") || ends(w, "iz")) w += "e";
          else if (/(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/.test(w)) w = w.slice(0, -1);
          else if (r1 >= w.length && shortSyllable(w, w.length)) w += "e";
        }
      }
      // Step 1c.
      if (w.length > 2 && /[yY]$/.test(w) && !vowel(w[w.length - 2])) w = w.slice(0, -1) + "i";
      // Step 2.
      var step2 = longest(w, STEP2);
      if (step2 && w.length - step2[0].length >= r1) {
        var before = w.slice(0, w.length - step2[0].length);
        if (step2[0] === "ogi") { if (ends(before, "l")) w = before + "og"; }
        else if (step2[0] === "li") { if (/[cdeghkmnrt]$/.test(before)) w = before; }
        else w = before + step2[1];
      }
      // Step 3.
      var step3 = longest(w, STEP3);
      if (step3 && w.length - step3[0].length >= r1) {
        if (step3[0] !== "ative" || w.length - 5 >= r2) w = w.slice(0, w.length - step3[0].length) + step3[1];
      }
      // Step 4.
      var step4 = longest(w, STEP4);
      if (step4 && w.length - step4.length >= r2) {
        var rest = w.slice(0, w.length - step4.length);
        if (step4 !== "ion" || /[st]$/.test(rest)) w = rest;
      }
      // Step 5.
      if (ends(w, "e")) {
        var at = w.length - 1;
        if (at >= r2 || (at >= r1 && !shortSyllable(w, at))) w = w.slice(0, -1);
      } else if (ends(w, "ll") && w.length - 1 >= r2) {
        w = w.slice(0, -1);
      }
      return w.replace(/Y/g, "y");
    };
  })();

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

  // A stem's postings as [doc, score, field] triples: the weight's two
  // characters hold the best field the stem is in (0 title … 4 code) and
  // the score in 818ths of the stem's top.
  function postings(shard, stem) {
    if (!shard.postings[stem]) {
      var text = shard.stems[stem], at = { i: 0 }, doc = 0, out = [];
      var unit = text ? readVarint(text, at) / 100 / 818 : 0;
      while (at.i < text.length) {
        doc += readVarint(text, at);
        var weight = VALUE[text[at.i]] * 64 + VALUE[text[at.i + 1]];
        var field = Math.floor((weight - 1) / FIELD_SPAN);
        at.i += 2;
        out.push(doc, (weight - field * FIELD_SPAN) * unit, field);
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

  // `camelCase` → camel, Case; other words unchanged.
  function camelParts(word) {
    return word.replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2").split(" ");
  }

  // The terms of a query. A plain word matches itself, its stem and, for
  // the word being typed, the words it begins. An identifier
  // (`read_to_string`, `HashMap`) matches whole, or by all of its parts.
  // Stopwords are left out unless the query has nothing else.
  function queryTerms(query) {
    var raw = String(query).normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    var terms = [];
    raw.split(/[^\p{L}\p{N}_]+/u).filter(Boolean).forEach(function (piece) {
      var parts = [];
      piece.split(/_+/).filter(Boolean).forEach(function (p) { parts = parts.concat(camelParts(p)); });
      parts = parts.map(function (p) { return p.toLowerCase(); });
      if (parts.length > 1) terms.push({ whole: piece.replace(/^_+|_+$/g, "").toLowerCase(), parts: parts });
      else if (parts.length === 1) terms.push({ word: parts[0] });
    });
    var content = terms.filter(function (t) { return !(t.word && STOPWORDS[t.word]); });
    return content.length ? content : terms;
  }

  // Every word that shows a term in a text: the word, the identifier and
  // its parts.
  function termForms(term) {
    return term.word ? [term.word] : [term.whole].concat(term.parts);
  }

  function createEngine(options) {
    var prefix = options.prefix || 1;
    var block = options.block || 1;
    var stem = options.stem || function (w) { return w; };
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
    // Whether the index has a shard file: the page lists them, so a query
    // never asks for one that is not there.
    function exists(key) {
      if (!options.shards) return true;
      var n = 0, scale = 1;
      for (var i = 0; i < prefix; i++) {
        var at = KEY_CHARS.indexOf(key.charAt(i) || "^");
        n += Math.max(at, 0) * scale;
        scale *= KEY_CHARS.length;
      }
      var digit = VALUE[options.shards.charAt(Math.floor(n / 6))] || 0;
      return ((digit >> (n % 6)) & 1) === 1;
    }
    function loadShard(key) {
      if (!shards[key]) {
        shards[key] = !exists(key) ? Promise.resolve(null) : get("t/" + key).then(function (payload) {
          if (!payload) return null;
          var parsed = parseShard(payload);
          Object.assign(cards, parsed.cards);
          return parsed;
        });
      }
      return shards[key];
    }
    function shard(word) {
      return loadShard(shardKey(word));
    }
    // Adds a stem's postings to `found` (doc → [score, field]) at `factor`.
    function addPostings(s, stemNumber, factor, found) {
      var list = postings(s, stemNumber);
      for (var k = 0; k < list.length; k += 3) {
        var score = list[k + 1] * factor, old = found[list[k]];
        if (!old || old[0] < score) found[list[k]] = [score, list[k + 2]];
      }
    }
    // Documents of the word `target` exactly, into `found` at `factor`.
    function addExact(target, factor, found) {
      return shard(target).then(function (s) {
        if (!s) return;
        var at = lowerBound(s.words, target);
        if (at < s.words.length && s.words[at][0] === target) addPostings(s, s.words[at][1], factor, found);
      });
    }
    function isEmpty(found) {
      for (var key in found) return false;
      return true;
    }

    // Documents matching one word, by how: `exact` for the word, its stem
    // and, while typing, the words it begins; `typo` for words one typo
    // away. A typo in the first letters moves the word to another shard:
    // the index points there from the shard of the misspelling, and an
    // extra first or second letter is tried by leaving it out. Those cost
    // fetches, so they are followed when the word alone finds nothing or
    // when `wide` asks for more.
    function matchWord(word, typing, wide) {
      var found = { exact: {}, typo: {} };
      var tolerant = word.length >= MIN_TYPED;
      var stemmed = stem(word);
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
        // A form the pages never use finds their words through its stem.
        return stemmed !== word ? addExact(stemmed, EXACT, found.exact).then(function () { return s; }) : s;
      }).then(function (s) {
        // A word still being typed is matched by the words it begins; the
        // typos that cost fetches wait until it is finished.
        if (!tolerant || typing || !(wide || (isEmpty(found.exact) && isEmpty(found.typo)))) return found;
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

    // Documents matching one term: doc → [score, field, typo].
    function matchTerm(term, typing, wide) {
      function merged(found) {
        var out = {};
        Object.keys(found.typo).forEach(function (doc) { out[doc] = [found.typo[doc][0], found.typo[doc][1], 1]; });
        Object.keys(found.exact).forEach(function (doc) { out[doc] = [found.exact[doc][0], found.exact[doc][1], 0]; });
        return out;
      }
      if (term.word) return matchWord(term.word, typing, wide).then(merged);
      var forms = [term.whole].concat(term.parts);
      return Promise.all(forms.map(function (w) { return matchWord(w, false, wide).then(merged); })).then(function (each) {
        var out = each[0];
        // Pages with every part, when they lack the whole identifier.
        Object.keys(each[1]).forEach(function (doc) {
          var score = 0, field = 0, typo = 0;
          for (var i = 1; i < each.length; i++) {
            if (!(doc in each[i])) return;
            score += each[i][doc][0] / (each.length - 1);
            field = Math.max(field, each[i][doc][1]);
            typo = Math.max(typo, each[i][doc][2]);
          }
          if (!(doc in out) || out[doc][0] < score) out[doc] = [score, field, typo];
        });
        return out;
      });
    }

    // Documents by how well they match: most terms first, then fewest
    // typos, then the best fields (a title beats a mention in the body),
    // then score. Pages that lack some terms follow those with every term
    // when there are fewer than `limit` of those, marked partial.
    function rank(perTerm, limit) {
      var all = {};
      perTerm.forEach(function (found) { Object.keys(found).forEach(function (doc) { all[doc] = true; }); });
      var rows = Object.keys(all).map(function (doc) {
        var row = { doc: Number(doc), matched: 0, typos: 0, fields: 0, score: 0 };
        perTerm.forEach(function (found) {
          var hit = found[doc];
          if (!hit) { row.fields += 5; return; }
          row.matched += 1;
          row.typos += hit[2];
          row.fields += hit[1];
          row.score += hit[0];
        });
        return row;
      });
      rows.sort(function (a, b) {
        return b.matched - a.matched || a.typos - b.typos || a.fields - b.fields || b.score - a.score || a.doc - b.doc;
      });
      var complete = rows.filter(function (r) { return r.matched === perTerm.length; });
      return complete.length >= limit ? complete : rows;
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
    // The list's `total` counts every match.
    function search(query, filters, limit, excerpts) {
      limit = limit || 10;
      excerpts = excerpts === undefined ? limit : excerpts;
      var terms = queryTerms(query);
      var typing = !/\s$/.test(query);
      // While typing, the first two letters of a word, or stopwords alone,
      // say too little to fetch anything for: they wait for more.
      var last = terms[terms.length - 1];
      if (typing && last && last.word && last.word.length < MIN_PREFIX) terms.pop();
      if (typing && terms.every(function (t) { return t.word && STOPWORDS[t.word]; })) terms = [];
      if (!terms.length) return Promise.resolve(Object.assign([], { total: 0 }));
      var match = function (wide) {
        return Promise.all(terms.map(function (t, i) { return matchTerm(t, typing && i === terms.length - 1, wide); }));
      };
      var tolerant = terms.some(function (t) { return termForms(t).some(function (w) { return w.length >= MIN_TYPED; }); });
      return match(false)
        .then(function (perTerm) {
          var rows = rank(perTerm, limit);
          // Too few results: follow the typos that cost fetches too.
          var complete = rows.filter(function (r) { return r.matched === terms.length; }).length;
          return complete >= limit || !tolerant ? rows : match(true).then(function (wider) { return rank(wider, limit); });
        })
        .then(function (rows) {
          var filtering = filters && (filters.kind || filters.level || (filters.tags && filters.tags.length));
          var narrowed = filtering
            ? get("facets").then(function (facets) { return rows.filter(function (r) { return passes(facets[r.doc], filters); }); })
            : Promise.resolve(rows);
          return narrowed.then(function (rows) {
            return describe(rows.slice(0, limit), terms).then(function (results) {
              results.total = rows.length;
              return results;
            });
          });
        });
      function describe(rows, terms) {
        var highlight = matcher(terms, stem);
        return Promise.all(rows.map(function (row, place) {
          var card = cards[row.doc];
          var cardWords = card ? words(titleText(card[2]) + " " + card[6]) : [];
          var shown = card && terms.every(function (t) { return cardWords.some(matcher([t], stem)); });
          var meta = shown
            ? Promise.resolve(card.slice(1, 6).concat([[["", "", card[6]]], card[8] || null]))
            : get("r/" + Math.floor(row.doc / block)).then(function (results) { return results[row.doc % block]; });
          return meta.then(function (meta) {
            var excerpt = place < excerpts ? makeExcerpt(meta[5], highlight) : { html: "", anchor: "" };
            var anchor = excerpt.anchor || (shown ? cardAnchor(card[7], terms) : "");
            return {
              url: meta[0] + (anchor ? "#" + anchor : ""),
              title: titleText(meta[1]),
              // Inline Markdown rendered by primer, safe to insert.
              titleHtml: typeof meta[1] === "string" ? escapeHtml(meta[1]) : meta[1][1],
              kind: meta[2],
              level: meta[3],
              tags: meta[4],
              // "Verified on … with …", for a page whose examples ran.
              verified: meta[6] || "",
              excerpt: excerpt.html,
              partial: row.matched < terms.length,
              score: row.score
            };
          });
        }));
      }
    }

    // The section a card's result links to: the one the index names for
    // most of the query's terms (by their stems), else the page's top.
    function cardAnchor(anchors, terms) {
      if (!anchors) return "";
      var votes = {}, best = "", most = 0;
      terms.forEach(function (t) {
        var named = termForms(t).map(function (f) { return anchors[stem(f)]; }).filter(Boolean)[0];
        if (!named) return;
        votes[named] = (votes[named] || 0) + 1;
        if (votes[named] > most) { most = votes[named]; best = named; }
      });
      return best;
    }

    return { search: search, words: words };
  }

  // A title is its text, or [text, html] when it has inline Markdown.
  function titleText(title) {
    return typeof title === "string" ? title : title[0];
  }

  // Whether a word of a text shows one of the query's terms: the same
  // word, the same stem, or one typo away; whole words only, so "http"
  // does not light up "https".
  function matcher(terms, stem) {
    var forms = [];
    terms.forEach(function (t) { forms = forms.concat(termForms(t)); });
    var stems = forms.map(function (f) { return stem(f); });
    return function (word) {
      var w = normalize(word);
      if (!w) return false;
      var s = stem(w);
      return forms.some(function (f, i) { return w === f || s === stems[i] || oneTypo(w, f); });
    };
  }

  // The section with the most query words, cut around the first of them,
  // escaped, with every matching word in <mark>.
  function makeExcerpt(sections, matches) {
    var best = null, bestCount = -1;
    (sections || []).forEach(function (section) {
      var count = (section[1] + " " + section[2]).split(/[^\p{L}\p{N}_]+/u).filter(matches).length;
      if (count > bestCount) { best = section; bestCount = count; }
    });
    if (!best) return { html: "", anchor: "" };
    var tokens = best[2].split(/(\s+)/);
    var core = function (token) { return token.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""); };
    var first = tokens.findIndex(function (t) { return /\S/.test(t) && matches(core(t)); });
    var start = Math.max(0, (first < 0 ? 0 : first) - 16);
    var slice = tokens.slice(start, start + 60);
    var html = slice.map(function (token) {
      var word = core(token);
      if (word && matches(word)) {
        var at = token.indexOf(word);
        return escapeHtml(token.slice(0, at)) + "<mark>" + escapeHtml(word) + "</mark>" + escapeHtml(token.slice(at + word.length));
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
  // Files keep their names from build to build, so a rebuild rewrites only
  // those that changed; the index's version in the query string keeps a
  // browser from mixing files of two builds out of its cache.
  function scriptLoader(base, version) {
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
        script.src = base + name + ".js?v=" + encodeURIComponent(version);
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
    if (!/<meta name="primer-search"/.test(html)) throw new Error("no search index in " + dir);
    var lang = (/<html lang="([^"]*)"/.exec(html) || [])[1];
    var entryText = fs.readFileSync(path.join(dir, "search", "entry.js"), "utf8");
    var entry = JSON.parse(entryText.slice(entryText.indexOf("{"), entryText.lastIndexOf("}") + 1));
    var base = path.join(dir, "search");
    // The entry is fetched with the page, and counted as a browser would.
    var bytes = Buffer.byteLength(entryText), requests = 1, fetched = [];
    var engine = createEngine({
      prefix: entry.prefix,
      block: entry.block,
      shards: entry.shards,
      stem: stemmerFor(lang),
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
  var TYPING_EXCERPTS = 1;
  // Milliseconds of no typing before a search runs, and before its results
  // get every excerpt.
  var PAUSE = 100, SETTLE = 400;

  // "#tag" words filter by tag, like the card filter in "all" mode.
  function parseQuery(query) {
    var tags = (query.match(/#[\w-]+/g) || []).map(function (t) { return t.slice(1); });
    return { text: query.replace(/#[\w-]+/g, " "), tags: tags };
  }

  function resultItem(root, r) {
    var details = [r.kind, r.level].filter(Boolean).join(" · ");
    return '<li><a href="' + escapeHtml(root + r.url) + '">' +
      '<span class="result-title">' + r.titleHtml + '</span> <span class="result-meta">' + escapeHtml(details) + "</span>" +
      (r.partial ? '<span class="result-partial">Matches some of the words</span>' : "") +
      '<span class="result-excerpt">' + r.excerpt + "</span></a></li>";
  }

  // The index stems English words; other languages match words as written.
  function stemmerFor(lang) {
    return /^en\b/i.test(lang || "") ? stemEnglish : null;
  }

  function counted(n) {
    return n + (n === 1 ? " result" : " results");
  }

  // The index's entry (search/entry.js, loaded before this script) names
  // the current version of the index and how it is cut into files.
  function engineFor(meta) {
    var entry = global.primerSearchEntry;
    var search = meta.getAttribute("content");
    return {
      root: search.replace(/search\/$/, ""),
      engine: createEngine({
        prefix: entry.prefix,
        block: entry.block,
        shards: entry.shards,
        stem: stemmerFor(document.documentElement.lang),
        load: scriptLoader(search, entry.version)
      })
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
    if (!box || !meta || !global.primerSearchEntry) return;
    var input = box.querySelector("[data-search-input]");
    var panel = box.querySelector("[data-search-panel]");
    var list = box.querySelector("[data-search-results]");
    var status = box.querySelector("[data-search-status]");
    var all = box.querySelector("[data-search-all]");
    var kind = box.querySelector("[data-search-kind]");
    var level = box.querySelector("[data-search-level]");
    var site = engineFor(meta);
    var latest = 0, timer = 0, settle = 0;
    box.hidden = false;

    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    function close() { panel.hidden = true; }
    function run(settled) {
      var query = input.value;
      var ticket = ++latest;
      if (!query.trim()) { close(); return; }
      var parsed = parseQuery(query);
      var filters = { tags: parsed.tags, match: "all", kind: kind.value, level: level.value };
      // While a word is being typed, only the first result fetches its
      // excerpt: each keystroke would otherwise fetch text for results
      // that the next one replaces. Once typing stops, all of them do.
      var excerpts = settled === true || /\s$/.test(query) ? PANEL_RESULTS : TYPING_EXCERPTS;
      site.engine.search(parsed.text, filters, PANEL_RESULTS, excerpts).then(function (results) {
        if (ticket !== latest) return;
        list.innerHTML = results.map(function (r) { return resultItem(site.root, r); }).join("");
        list.hidden = !results.length;
        status.textContent = results.length ? counted(results.total) : "No results for “" + query.trim() + "”";
        all.hidden = results.total <= results.length;
        all.textContent = "All " + results.total + " results";
        all.href = resultsPageUrl(site.root, query.trim());
        panel.hidden = false;
      });
    }
    // Typing fast starts one search, not one per key.
    function soon() {
      clearTimeout(timer);
      clearTimeout(settle);
      timer = setTimeout(run, PAUSE);
      settle = setTimeout(function () { run(true); }, SETTLE);
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
    if (!page || !meta || !global.primerSearchEntry) return;
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
      status.textContent = (results.length ? counted(results.length) : "No results") + " for “" + query + "”";
    });
  }

  var api = { createEngine: createEngine, openSite: openSite, words: words, stem: stemEnglish };
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
