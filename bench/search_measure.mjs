// Measures one search engine over a built site in Node: bytes and requests
// of a first query on a fresh engine, and the rank of the expected page for
// many queries. Usage: node search_measure.mjs primer|pagefind SITE QUERIES.json
// QUERIES.json: {"first": "...", "three": "a b c", "items": [[query, url, typo], ...],
//                "set": [[query, url], ...]}  (the public query set: top-1, top-3, MRR)
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL, fileURLToPath } from "node:url";
import path from "node:path";

const [engineName, site, queriesFile] = process.argv.slice(2);
const queries = JSON.parse(readFileSync(queriesFile, "utf8"));
const here = path.dirname(fileURLToPath(import.meta.url));

async function primerEngine() {
  const require = createRequire(import.meta.url);
  const client = require(path.join(here, "..", "themes", "default", "static", "assets", "search.js"));
  const engine = client.openSite(site);
  const runtime = statSync(path.join(site, "assets", "search.js")).size;
  return {
    // Ranks need the top 10 addresses; excerpts only for what a reader
    // sees first.
    // A finished query ends with a space; text being typed does not.
    search: async (q, shown) => (await engine.search(q + " ", {}, shown || 10, shown || 0)).map((r) => r.url.split("#")[0]),
    // As the search box does: an excerpt for the first result while
    // typing, and for all once typing stops.
    typing: async (q, shown, settled) => (await engine.search(q, {}, shown, settled ? shown : 1)).map((r) => r.url.split("#")[0]),
    transferred: () => ({ bytes: engine.transferred().bytes + runtime, requests: engine.transferred().requests + 1 }),
  };
}

let pagefindBytes = 0, pagefindRequests = 0;
async function pagefindEngine() {
  pagefindBytes = 0; pagefindRequests = 0;
  globalThis.fetch = async (url) => {
    const file = fileURLToPath(String(url)).split("?")[0];
    const data = readFileSync(file);
    pagefindBytes += data.length; pagefindRequests += 1;
    return new Response(data);
  };
  const entry = path.join(site, "pagefind", "pagefind.js");
  const pagefind = await import(pathToFileURL(entry).href + "?fresh=" + Math.random());
  await pagefind.options({ basePath: pathToFileURL(path.join(site, "pagefind") + "/").href });
  pagefindBytes += statSync(entry).size; pagefindRequests += 1;
  return {
    search: async (q, shown) => {
      const found = await pagefind.search(q);
      const data = await Promise.all(found.results.slice(0, shown || 10).map((r) => r.data()));
      // Pagefind prefixes URLs with its base path: keep the site-relative part.
      return data.map((d) => {
        const at = d.url.indexOf(site);
        const url = at >= 0 ? d.url.slice(at + site.length) : d.url;
        return url.replace(/^\/+/, "").replace(/index\.html$/, "");
      });
    },
    transferred: () => ({ bytes: pagefindBytes, requests: pagefindRequests }),
  };
}

const make = engineName === "primer" ? primerEngine : pagefindEngine;
const out = {};
// A first query as a reader sees it: the top results with their excerpts
// (Pagefind's default interface shows five).
const SHOWN = 5;
for (const key of ["first", "three"]) {
  const engine = await make();
  await engine.search(queries[key], SHOWN);
  out[key] = engine.transferred();
}
// The three-word query typed one key at a time on one engine, searching
// after every key (no pause at all, the worst case for the pause the
// search box waits for).
{
  const engine = await make();
  const text = queries.three;
  for (let i = 1; i <= text.length; i++) await (engine.typing || engine.search)(text.slice(0, i), SHOWN, i === text.length);
  out.typed = engine.transferred();
}
const engine = await make();
if (queries.set) {
  let top1 = 0, top3 = 0, rr = 0;
  const misses = [];
  for (const [query, url] of queries.set) {
    const rank = (await engine.search(query)).indexOf(url);
    if (rank === 0) top1 += 1;
    if (rank >= 0 && rank < 3) top3 += 1; else misses.push(query);
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  const n = queries.set.length;
  out.set = { n, top1: top1 / n, top3: top3 / n, mrr: rr / n, misses };
}
let reciprocal = 0, hits = 0, typoHits = 0;
for (const [query, url, typo] of queries.items) {
  const results = await engine.search(query);
  const rank = results.indexOf(url);
  if (rank >= 0) { reciprocal += 1 / (rank + 1); hits += 1; }
  const typoResults = await engine.search(typo);
  if (typoResults.indexOf(url) >= 0) typoHits += 1;
}
out.mrr = reciprocal / queries.items.length;
out.typoHits = typoHits / queries.items.length;
console.log(JSON.stringify(out));
