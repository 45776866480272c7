#!/usr/bin/env python3
"""What linking code to API docs costs a cold build.

Builds the same 2,000 generated pages (bench/sitegen.py) twice, cold (no
output folder, no .primer/ state, as on a fresh clone), on the disk:
without inventories, and with four of 10,000 to 30,000 entries each:
Python's and pandas' real inventories (from the test fixtures) and two
generated ones that document the modules and functions the pages' Python
blocks import and call, so names in code really resolve. Prints the times
(hyperfine), the ratio, and how many links and API pages the build made.

Disks of virtual machines are noisy, so the two builds are timed in
alternating rounds, and the ratio reported is the median of the rounds'
ratios. A run's last output is moved aside, not deleted, before the next:
on ext4, creating thousands of files right after deleting thousands costs
over a millisecond each, which a fresh clone never pays (it doubled both
builds' times here). The same is then done on tmpfs (/dev/shm), where the
times are primer's own work.

    python3 bench/api.py [--pages 2000] [--rounds 5] [--work DIR]
"""

import argparse
import glob
import json
import os
import random
import re
import shutil
import statistics
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


def timed_rounds(primer, plain, linked, rounds, results):
    """Median times of both builds and the median ratio over `rounds`
    hyperfine runs that alternate which build goes first."""
    plain_times, linked_times, ratios = [], [], []
    trash = os.path.join(os.path.dirname(plain), "set-aside")
    os.makedirs(trash, exist_ok=True)
    for round_number in range(rounds):
        order = [plain, linked] if round_number % 2 == 0 else [linked, plain]
        commands = []
        for site in order:
            aside = f"if [ -d {site}/public ]; then mv {site}/public {trash}/$(date +%s%N); fi; rm -rf {site}/.primer"
            commands += ["--prepare", aside, f"{primer} build --root {site}"]
        subprocess.run(["hyperfine", "--runs", "2", "--export-json", results, *commands],
                       check=True, stdout=subprocess.DEVNULL)
        with open(results) as f:
            means = {r["command"]: r["mean"] for r in json.load(f)["results"]}
        plain_mean, linked_mean = means[f"{primer} build --root {plain}"], means[f"{primer} build --root {linked}"]
        plain_times.append(plain_mean)
        linked_times.append(linked_mean)
        ratios.append(linked_mean / plain_mean)
    shutil.rmtree(trash, ignore_errors=True)
    return statistics.median(plain_times), statistics.median(linked_times), statistics.median(ratios), ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--work", default=os.path.join(ROOT, "target", "bench", "api"))
    args = parser.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    primer = os.path.join(ROOT, "target", "release", "primer")
    os.makedirs(args.work, exist_ok=True)
    plain, linked, sizes = make_sites(args.work, args.pages)
    print(f"{args.pages} pages; inventories: " + ", ".join(f"{n} {s:,} entries" for n, s in sizes.items()))
    places = [("on the disk", args.work)]
    if os.path.isdir("/dev/shm"):
        places.append(("on tmpfs", "/dev/shm/primer-bench-api"))
    for place, folder in places:
        if folder != args.work:
            shutil.rmtree(folder, ignore_errors=True)
            for site in (plain, linked):
                shutil.copytree(site, os.path.join(folder, os.path.basename(site)))
        here = [os.path.join(folder, os.path.basename(site)) for site in (plain, linked)]
        results = os.path.join(args.work, "hyperfine.json")
        base, with_api, ratio, ratios = timed_rounds(primer, *here, args.rounds, results)
        print(f"cold build {place}, median of {args.rounds} alternating rounds:")
        print(f"  without inventories   {base:.3f} s")
        print(f"  with four inventories {with_api:.3f} s   ratio {ratio:.3f} ({(ratio - 1) * 100:+.1f} %)"
              f"   rounds: {', '.join(f'{r:.2f}' for r in ratios)}")
        if folder != args.work:
            shutil.rmtree(folder, ignore_errors=True)
    links = 0
    for page in glob.glob(os.path.join(linked, "public", "*", "*", "index.html")):
        with open(page) as f:
            links += f.read().count('class="api-link"')
    api_pages = len(glob.glob(os.path.join(linked, "public", "api", "*", "index.html")))
    files = [sum(len(f) for _, _, f in os.walk(os.path.join(site, "public"))) for site in (plain, linked)]
    print(f"  {links:,} links from code to API docs, {api_pages:,} API pages; {files[0]:,} files written without, {files[1]:,} with")


if __name__ == "__main__":
    main()
