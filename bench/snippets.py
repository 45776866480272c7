#!/usr/bin/env python3
"""Benchmark `primer test` on a generated site of quick Python snippets.

Prints, for N pages (default 200): the cold run time, the cached rerun as a
percentage of cold (goal: at most 5 %), the speed-up of -j 2 over -j 1
(goal: at least 1.8x), and cold -j 2 against a plain serial loop that runs
one interpreter per page on the same code (goal: at most 0.5x), with the
interpreter's real path and with `python3` as found on PATH (a version
manager's shim on many machines). Times come from hyperfine in one run;
the machine is noisy, so read the ratios rather than the absolute figures.

    python3 bench/snippets.py [--pages 200] [--primer target/release/primer]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def generate(site, pages):
    os.makedirs(os.path.join(site, "content", "recipes"))
    with open(os.path.join(site, "book.toml"), "w") as f:
        f.write('[site]\ntitle = "Snippet benchmark"\n')
    for n in range(pages):
        body = [f"---\ntitle: Recipe {n}\nsummary: Quick snippets number {n}.\n---\n"]
        body.append(f"## Setup\n\n```python\nvalues = list(range({n % 50 + 10}))\n```\n")
        body.append("## Compute\n\n```python\nprint(sum(values))\n```\n")
        body.append(f"```output\n{sum(range(n % 50 + 10))}\n```\n")
        with open(os.path.join(site, "content", "recipes", f"r{n:04}.md"), "w") as f:
            f.write("\n".join(body))
        # The same page as one program, for the serial loop.
        os.makedirs(os.path.join(site, "loop"), exist_ok=True)
        with open(os.path.join(site, "loop", f"r{n:04}.py"), "w") as f:
            f.write(f"values = list(range({n % 50 + 10}))\nprint(sum(values))\n")


def pandas_row(primer, pages=40):
    """Cold -j 2 on pages that import pandas, with and without preloading it."""
    if subprocess.run(["python3", "-c", "import pandas"], capture_output=True).returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as site:
        os.makedirs(os.path.join(site, "content", "recipes"))
        for n in range(pages):
            with open(os.path.join(site, "content", "recipes", f"p{n:03}.md"), "w") as f:
                f.write(
                    f"---\ntitle: Frame {n}\nsummary: A small DataFrame.\n---\n"
                    f"```python\nimport pandas as pd\nprint(pd.DataFrame({{'a': [1, {n}]}}).a.sum())\n```\n\n"
                    f"```output\n{n + 1}\n```\n"
                )
        times = []
        for preload in ('["pandas"]', "[]"):
            with open(os.path.join(site, "book.toml"), "w") as f:
                f.write(f'[site]\ntitle = "pandas"\n\n[test.runners.python]\npreload = {preload}\n')
            (seconds,) = hyperfine(site, [f"{primer} test --no-cache -j 2"], runs=3)
            times.append(seconds)
        return pages, times[0], times[1]


def rust_row(primer, pages=10):
    """Rust pages using a manifest's crates: first run, rerun with the cache
    off (dependencies already built), and cached rerun."""
    fixture = os.path.join(ROOT, "tests", "fixtures", "rust-crates")
    with tempfile.TemporaryDirectory() as site:
        shutil.copytree(fixture, site, dirs_exist_ok=True)
        body = open(os.path.join(site, "content", "recipes", "format.md")).read()
        for n in range(pages):
            with open(os.path.join(site, "content", "recipes", f"format{n:02}.md"), "w") as f:
                f.write(body.replace("Format numbers", f"Format numbers {n}"))
        first = subprocess.run([primer, "test", "--no-cache", "-j", "2"], cwd=site, capture_output=True)
        if first.returncode != 0:
            sys.exit(f"the Rust pages do not pass:\n{first.stdout.decode()}{first.stderr.decode()}")
        (again,) = hyperfine(site, [f"{primer} test --no-cache -j 2"], runs=3)
        (cached,) = hyperfine(site, [f"{primer} test -j 2"], runs=5)
        return pages + 1, again, cached


def hyperfine(site, commands, prepare=None, runs=5):
    out = os.path.join(site, "hyperfine.json")
    args = ["hyperfine", "--style", "none", "--runs", str(runs), "--export-json", out]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run(args + commands, cwd=site, check=True, stdout=subprocess.DEVNULL)
    with open(out) as f:
        return [r["mean"] for r in json.load(f)["results"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--primer", default=os.path.join(ROOT, "target", "release", "primer"))
    args = parser.parse_args()
    if not shutil.which("hyperfine"):
        sys.exit("hyperfine is missing: apt-get install hyperfine")
    if not os.path.exists(args.primer):
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    primer = os.path.abspath(args.primer)
    with tempfile.TemporaryDirectory() as site:
        generate(site, args.pages)
        check = subprocess.run([primer, "test", "--no-cache"], cwd=site, capture_output=True, text=True)
        summary = [l for l in check.stdout.splitlines() if l.endswith("skipped")]
        if check.returncode != 0 or not summary:
            sys.exit(f"the generated site does not pass:\n{check.stdout}{check.stderr}")
        cold_j1, cold_j2 = hyperfine(site, [f"{primer} test --no-cache -j 1", f"{primer} test --no-cache -j 2"])
        subprocess.run([primer, "test", "-j", "2"], cwd=site, check=True, stdout=subprocess.DEVNULL)
        (cached,) = hyperfine(site, [f"{primer} test -j 2"], runs=10)
        real = subprocess.run(
            ["python3", "-c", "import sys; print(sys.executable)"], capture_output=True, text=True, check=True
        ).stdout.strip()
        on_path = shutil.which("python3")
        loop = "for f in loop/*.py; do {} \"$f\" > /dev/null; done"
        loop_real, loop_path = hyperfine(site, [loop.format(real), loop.format(on_path)], runs=3)
        # primer itself with the real interpreter first on PATH, against
        # PATH as it is (a shim's answer remembered, and asked afresh).
        real_first = f"env PATH={os.path.dirname(real)}:$PATH {primer} test --no-cache -j 2"
        shim_asked = f"rm -f .primer/cache/programs.json && {primer} test --no-cache -j 2"
        primer_real, primer_path, primer_asked = hyperfine(
            site, [real_first, f"{primer} test --no-cache -j 2", shim_asked], runs=5
        )
        # The same pages with a fresh interpreter per program.
        with open(os.path.join(site, "book.toml"), "a") as f:
            f.write("\n[test.runners.python]\npreload = []\n")
        (fresh_j2,) = hyperfine(site, [f"{primer} test --no-cache -j 2"], runs=3)
    print(f"primer test on {args.pages} pages ({summary[0]})")
    print(f"| measure | value | goal |")
    print(f"|---|---|---|")
    print(f"| cold, -j 2 | {cold_j2:.2f} s | |")
    print(f"| cold, -j 1 | {cold_j1:.2f} s | |")
    print(f"| cached rerun, -j 2 | {cached * 1000:.0f} ms = {100 * cached / cold_j2:.1f} % of cold | ≤ 5 % |")
    print(f"| -j 2 speed-up over -j 1 | {cold_j1 / cold_j2:.2f}× | ≥ 1.8× |")
    print(f"| serial loop, real interpreter ({real}) | {loop_real:.2f} s | |")
    print(f"| serial loop, `python3` on PATH ({on_path}) | {loop_path:.2f} s | |")
    print(f"| cold -j 2 / serial loop, real interpreter | {cold_j2 / loop_real:.2f}× | ≤ 0.5× |")
    print(f"| cold -j 2 / serial loop, PATH's python3 | {cold_j2 / loop_path:.2f}× | |")
    print(f"| cold -j 2, real interpreter first on PATH | {primer_real:.2f} s | |")
    print(f"| cold -j 2, PATH's python3, its answer remembered | {primer_path:.2f} s = {primer_path / primer_real:.2f}× | ≤ 1× |")
    print(f"| cold -j 2, PATH's python3 asked afresh | {primer_asked:.2f} s = {primer_asked / primer_real:.2f}× | |")
    print(f"| cold -j 2, fresh interpreter per program (`preload = []`) | {fresh_j2:.2f} s | |")
    print(f"| warm interpreter / fresh interpreters | {cold_j2 / fresh_j2:.2f}× | |")
    pandas = pandas_row(primer)
    if pandas:
        pages, preloaded, fresh = pandas
        print(f"| {pages} pages importing pandas, preloaded, cold -j 2 | {preloaded:.2f} s | |")
        print(f"| the same, fresh interpreters (`preload = []`) | {fresh:.2f} s | |")
        print(f"| preloaded / fresh | {preloaded / fresh:.2f}× | ≤ 0.2× |")
    else:
        print("| pandas rows | skipped: pandas is not installed | |")
    pages, again, cached = rust_row(primer)
    print(f"| {pages} Rust pages with crates, rerun with the cache off | {again:.2f} s | no dependency rebuilt |")
    print(f"| the same, cached rerun | {cached * 1000:.0f} ms | |")
    print(f"machine: {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
