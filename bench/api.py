#!/usr/bin/env python3
"""What linking code to API docs costs a cold build.

Builds the same 2,000 generated pages (bench/sitegen.py) twice, cold (no
output folder, no .primer/ state, as on a fresh clone), on the disk:
without inventories, and with four of 10,000 to 30,000 entries each:
Python's and pandas' real inventories (from the test fixtures) and two
generated ones that document the modules and functions the pages' Python
blocks import and call, so names in code really resolve. Prints the times
(hyperfine), the ratio, and how many links and API pages the build made.

    python3 bench/api.py [--pages 2000] [--runs 5] [--work DIR]
"""

import argparse
import glob
import json
import os
import random
import re
import shutil
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sitegen  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "api-site", "inventories")


def write_inventory(path, project, lines):
    header = f"# Sphinx inventory version 2\n# Project: {project}\n# Version: 1\n# The remainder of this file is compressed using zlib.\n"
    with open(path, "wb") as f:
        f.write(header.encode() + zlib.compress(("\n".join(lines) + "\n").encode()))


def generated_inventory(path, project, modules, entries, seed):
    """An inventory documenting `modules` (the words pages import) and,
    under them, functions named by the same vocabulary, `entries` in all."""
    rng = random.Random(seed)
    lines = [f"{m} py:module 0 {m}/index.html#module-$ -" for m in modules]
    seen = set()
    while len(lines) < entries:
        module, name = rng.choice(modules), rng.choice(modules)
        full = f"{module}.{name}"
        if full in seen:
            full = f"{module}.{name}_{len(lines)}"
        seen.add(full)
        role = rng.choice(["function", "class", "method", "attribute"])
        lines.append(f"{full} py:{role} 1 {module}/api.html#$ -")
    write_inventory(path, project, lines)
    return len(lines)


def count_entries(path):
    with open(path, "rb") as f:
        data = f.read()
    return len(zlib.decompress(data.split(b"\n", 4)[4]).splitlines())


def make_sites(work, pages):
    plain = os.path.join(work, "plain")
    linked = os.path.join(work, "linked")
    for site in (plain, linked):
        shutil.rmtree(site, ignore_errors=True)
        sitegen.generate(site, pages)
    # The words the generated Python blocks import: `import {a}` … `{a}.{b}(v)`.
    words = set()
    for text_file in glob.glob(os.path.join(linked, "content", "*", "*.md")):
        with open(text_file) as f:
            words.update(re.findall(r"^import (\w+)$", f.read(), re.M))
    words = sorted(words)
    inventories = os.path.join(linked, "inventories")
    os.makedirs(inventories)
    sizes = {}
    for name in ("python-3.11", "pandas-1.5.3"):
        shutil.copy(os.path.join(FIXTURE, f"{name}.inv"), inventories)
        sizes[name] = count_entries(os.path.join(inventories, f"{name}.inv"))
    half = len(words) // 2
    sizes["generated-a"] = generated_inventory(os.path.join(inventories, "generated-a.inv"), "A", words[:half], 20000, 1)
    sizes["generated-b"] = generated_inventory(os.path.join(inventories, "generated-b.inv"), "B", words[half:], 30000, 2)
    with open(os.path.join(linked, "book.toml"), "a") as f:
        f.write("\n[api.inventories]\n")
        for name in sizes:
            key = name.split("-")[0] if name.startswith(("python", "pandas")) else name
            f.write(f'{key.replace("-", "_")} = {{ path = "inventories/{name}.inv", base = "https://docs.example/{key}/" }}\n')
    return plain, linked, sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench", "api"))
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    primer = os.path.join(ROOT, "target", "release", "primer")
    os.makedirs(args.work, exist_ok=True)
    plain, linked, sizes = make_sites(args.work, args.pages)
    print(f"{args.pages} pages; inventories: " + ", ".join(f"{n} {s:,} entries" for n, s in sizes.items()))
    results = os.path.join(args.work, "hyperfine.json")
    commands = []
    for site in (plain, linked):
        commands += ["--prepare", f"rm -rf {site}/public {site}/.primer", f"{primer} build --root {site}"]
    subprocess.run(["hyperfine", "--warmup", "1", "--runs", str(args.runs), "--export-json", results,
                    "--command-name", "without inventories", "--command-name", "with four inventories", *commands],
                   check=True, stdout=subprocess.DEVNULL)
    with open(results) as f:
        times = [r["mean"] for r in json.load(f)["results"]]
    links = 0
    for page in glob.glob(os.path.join(linked, "public", "*", "*", "index.html")):
        with open(page) as f:
            links += f.read().count('class="api-link"')
    api_pages = len(glob.glob(os.path.join(linked, "public", "api", "*", "index.html")))
    print(f"cold build, on the disk, mean of {args.runs}:")
    print(f"  without inventories   {times[0]:.3f} s")
    print(f"  with four inventories {times[1]:.3f} s   ratio {times[1] / times[0]:.3f} ({(times[1] / times[0] - 1) * 100:+.1f} %)")
    print(f"  {links:,} links from code to API docs, {api_pages:,} API pages")


if __name__ == "__main__":
    main()
