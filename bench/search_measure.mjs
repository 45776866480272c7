// Measures one search engine over a built site in Node: bytes and requests
// of a first query on a fresh engine, and the rank of the expected page for
// many queries. Usage: node search_measure.mjs primer|pagefind SITE QUERIES.json
// QUERIES.json: {"first": "...", "three": "a b c", "items": [[query, url], ...]}
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
    search: async (q, shown) => (await engine.search(q + " ", {}, shown || 10, shown || 0)).map((r) => r.url.split("#")[0]),
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
const engine = await make();
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
