#!/usr/bin/env python3
"""Benchmark primer's client search against Pagefind on the same pages.

Generates a site (2000 pages by default), builds it with primer, indexes the
same built tutorial and recipe pages with Pagefind (npm package `pagefind`),
and prints: index size on disk, files per page, bytes and requests of a
first query and of a three-word query (runtime included, the top five
results with their excerpts, as Pagefind's interface shows), the same query
typed one key at a time, the known-item mean reciprocal rank over every
page title, and the share of titles with one letter deleted whose page is
still in the top 10. Then the public query set: `bench/queries.json` over
primer's own documentation, and questions, typos at every position and
partial titles made from the generated site's titles, with top-1, top-3
and MRR for both engines.

    python3 bench/search.py [--pages 2000] [--primer target/release/primer]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitegen  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def folder_size(path):
    total, files = 0, 0
    for folder, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(folder, name))
            files += 1
    return total, files


def pagefind_command(work):
    local = os.path.join(work, "node_modules", ".bin", "pagefind")
    if not os.path.exists(local):
        subprocess.run(["npm", "install", "--silent", "--prefix", work, "pagefind@1"], check=True)
    return local


def delete_letter(rng, title):
    words = title.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5] or [0]
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(len(word))
    words[i] = word[:at] + word[at + 1:]
    return " ".join(words)


def swap_letters(rng, title):
    """A title with two neighbouring letters of one long word swapped,
    anywhere in the word, its first letters included."""
    words = title.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5] or [0]
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(max(1, len(word) - 1))
    words[i] = word[:at] + word[at + 1:at + 2] + word[at:at + 1] + word[at + 2:]
    return " ".join(words)


def generated_set(rng, titles, count=30):
    """Queries made from titles, as readers phrase them."""
    chosen = rng.sample(sorted(titles.items()), count)
    out = []
    for n, (url, title) in enumerate(chosen):
        words = [w for w in title.split() if not w.isdigit()]
        number = title.split()[-1]
        if n % 3 == 0:
            out.append([f"how do I {' '.join(words).lower()} {number}", url])
        elif n % 3 == 1:
            out.append([swap_letters(rng, title), url])
        else:
            out.append([f"{' '.join(words[1:])} {number}", url])
    return out


def run_engines(public, queries, site):
    queries_file = os.path.join(site, "queries.json")
    with open(queries_file, "w") as f:
        json.dump(queries, f)
    measured = {}
    for engine in ("primer", "pagefind"):
        out = subprocess.run(["node", os.path.join(ROOT, "bench", "search_measure.mjs"), engine, public, queries_file],
                             check=True, capture_output=True, text=True)
        measured[engine] = json.loads(out.stdout.strip().splitlines()[-1])
    return measured


def measure_docs(primer, pagefind):
    """The public query set over primer's own documentation."""
    with open(os.path.join(ROOT, "bench", "queries.json")) as f:
        docs = json.load(f)["docs"]
    with tempfile.TemporaryDirectory() as work:
        public = os.path.join(work, "public")
        subprocess.run([primer, "build", "--root", ROOT, "--out", public], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([pagefind, "--site", public, "--glob", "{tutorials,recipes,reference}/*/index.html"],
                       check=True, stdout=subprocess.DEVNULL)
        queries = {"first": "search", "three": "deploy github pages", "items": [], "set": docs}
        return run_engines(public, queries, work)


def measure(pages, primer):
    """Builds a generated site with primer, indexes it with Pagefind too, and
    returns both engines' figures: size, files, first and three-word query
    bytes and requests, MRR and typo hits."""
    work = os.path.join(ROOT, "target", "bench")
    os.makedirs(work, exist_ok=True)
    pagefind = pagefind_command(work)
    with tempfile.TemporaryDirectory() as site:
        titles = sitegen.generate(site, pages)
        subprocess.run([primer, "build"], cwd=site, check=True, stdout=subprocess.DEVNULL)
        public = os.path.join(site, "public")
        subprocess.run([pagefind, "--site", public, "--glob", "{tutorials,recipes}/*/index.html"],
                       check=True, stdout=subprocess.DEVNULL)
        rng = random.Random(3)
        items = [[title, url, delete_letter(rng, title)] for url, title in sorted(titles.items())]
        words = [w for w in list(titles.values())[0].split() if not w.isdigit()]
        queries = {"first": words[0], "three": " ".join((words * 3)[:3]), "items": items,
                   "set": generated_set(rng, titles)}
        measured = run_engines(public, queries, site)
        measured["primer"]["size"], measured["primer"]["files"] = folder_size(os.path.join(public, "search"))
        measured["pagefind"]["size"], measured["pagefind"]["files"] = folder_size(os.path.join(public, "pagefind"))
    return measured


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--primer", default=os.path.join(ROOT, "target", "release", "primer"))
    args = parser.parse_args()
    if not os.path.exists(args.primer):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    measured = measure(args.pages, os.path.abspath(args.primer))
    p, f = measured["primer"], measured["pagefind"]
    primer_size, primer_files, pagefind_size, pagefind_files = p["size"], p["files"], f["size"], f["files"]
    print(f"client search on {args.pages} pages: primer against Pagefind")
    print("| measure | primer | Pagefind | ratio | goal |")
    print("|---|---|---|---|---|")
    print(f"| index size on disk | {primer_size / 1e6:.2f} MB | {pagefind_size / 1e6:.2f} MB | {primer_size / pagefind_size:.2f}× | ≤ 0.7× |")
    print(f"| files per page | {primer_files / args.pages:.3f} | {pagefind_files / args.pages:.3f} | | ≤ 0.3 |")
    print(f"| first query | {p['first']['bytes'] / 1e3:.1f} kB, {p['first']['requests']} requests | {f['first']['bytes'] / 1e3:.1f} kB, {f['first']['requests']} requests | {p['first']['bytes'] / f['first']['bytes']:.2f}× | ≤ 0.3×, ≤ 6 requests |")
    print(f"| three-word query | {p['three']['bytes'] / 1e3:.1f} kB, {p['three']['requests']} requests | {f['three']['bytes'] / 1e3:.1f} kB, {f['three']['requests']} requests | {p['three']['bytes'] / f['three']['bytes']:.2f}× | |")
    print(f"| known-item MRR (titles) | {p['mrr']:.3f} | {f['mrr']:.3f} | | ≥ 0.95 |")
    print(f"| one letter deleted: in top 10 | {100 * p['typoHits']:.1f} % | {100 * f['typoHits']:.1f} % | | ≥ 85 % |")
    print(f"| three-word query typed key by key | {p['typed']['bytes'] / 1e3:.1f} kB = {p['typed']['bytes'] / p['three']['bytes']:.2f}× at once | {f['typed']['bytes'] / 1e3:.1f} kB = {f['typed']['bytes'] / f['three']['bytes']:.2f}× at once | | ≤ 1.5× |")
    docs = measure_docs(os.path.abspath(args.primer), pagefind_command(os.path.join(ROOT, "target", "bench")))
    sets = [("docs", docs["primer"]["set"], docs["pagefind"]["set"]), ("generated", p["set"], f["set"])]
    n = sum(s[1]["n"] for s in sets)
    total = {key: sum(s[1][key] * s[1]["n"] for s in sets) / n for key in ("top1", "top3", "mrr")}
    theirs = {key: sum(s[2][key] * s[2]["n"] for s in sets) / n for key in ("top1", "top3", "mrr")}
    print()
    print(f"public query set: {n} queries (bench/queries.json and titles of the generated site)")
    print("| set | queries | primer top-1 / top-3 / MRR | Pagefind top-1 / top-3 / MRR |")
    print("|---|---|---|---|")
    for name, ours, pf in sets:
        print(f"| {name} | {ours['n']} | {100 * ours['top1']:.0f} % / {100 * ours['top3']:.0f} % / {ours['mrr']:.3f} | {100 * pf['top1']:.0f} % / {100 * pf['top3']:.0f} % / {pf['mrr']:.3f} |")
    print(f"| all | {n} | {100 * total['top1']:.0f} % / {100 * total['top3']:.0f} % / {total['mrr']:.3f} | {100 * theirs['top1']:.0f} % / {100 * theirs['top3']:.0f} % / {theirs['mrr']:.3f} |")
    for name, ours, _ in sets:
        if ours["misses"]:
            print(f"primer misses the top 3 in {name}: {ours['misses']}")


if __name__ == "__main__":
    main()
