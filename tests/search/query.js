// Runs queries against a built site with primer's own search client, the
// way tests and benchmarks use it: node query.js SEARCH_JS SITE_DIR QUERIES_JSON
// QUERIES_JSON is a list of [query, filters, excerpts?]; prints a JSON list
// of results.
const client = require(process.argv[2]);
const engine = client.openSite(process.argv[3]);
const queries = JSON.parse(process.argv[4]);
(async () => {
  const out = [];
  for (const [query, filters, excerpts] of queries) {
    out.push(await engine.search(query, filters || {}, 10, excerpts === null ? undefined : excerpts));
  }
  process.stdout.write(JSON.stringify({ results: out, transferred: engine.transferred() }));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
