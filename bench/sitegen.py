"""A deterministic generator of tutorials-and-recipes sites for benchmarks.

Pages have front matter, headings, prose drawn from a Zipf-distributed
vocabulary of pronounceable words, lists, tables, links, callouts and code
in several languages, so index sizes and build work look like a real site.
"""

import os
import random

SYLLABLES = ["ka", "lo", "mi", "ten", "sor", "gra", "di", "ent", "op", "ti", "mi", "zer", "da", "ta", "set",
             "ba", "tch", "ep", "och", "mo", "del", "la", "yer", "net", "work", "con", "vo", "lu", "tion", "at",
             "ten", "sion", "em", "bed", "ding", "vi", "su", "al", "ize", "quan", "prun", "ing", "ex", "port"]
COMMON = ["the", "a", "to", "of", "and", "in", "is", "you", "that", "it", "for", "on", "with", "as", "this",
          "model", "data", "run", "train", "load", "save", "use", "step", "value", "shape", "batch", "layer"]


def vocabulary(rng, size):
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return COMMON + sorted(words)


def zipf_sampler(rng, words):
    weights = [1.0 / (rank + 1) for rank in range(len(words))]
    return lambda k: rng.choices(words, weights=weights, k=k)


def page(rng, sample, n, kind, pages):
    title = " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(sample(rng.randint(3, 5)))) + f" {n}"
    tags = sorted(set(sample(2)))
    lines = ["---", f"title: {title}", f"summary: {' '.join(sample(12)).capitalize()}.",
             f"tags: [{', '.join(tags)}]", f"level: {rng.choice(['beginner', 'intermediate', 'advanced'])}",
             f"date: 2024-{rng.randint(1, 12):02}-{rng.randint(1, 28):02}", "---", ""]
    for section in range(rng.randint(3, 5)):
        lines += [f"## {' '.join(sample(3)).capitalize()}", ""]
        for _ in range(rng.randint(2, 4)):
            lines += [" ".join(sample(rng.randint(40, 90))).capitalize() + ".", ""]
        if section == 0:
            other = rng.randrange(pages)
            folder = "tutorials" if other % 3 == 0 else "recipes"
            lines += [f"See [a related page](../{folder}/page-{other:05}.md) for more.", ""]
            lines += ["> [!TIP]", f"> {' '.join(sample(15)).capitalize()}.", ""]
        if section == 1:
            lines += ["| name | value |", "|------|-------|"] + [f"| {w} | {rng.randint(1, 999)} |" for w in sample(3)] + [""]
            lines += [f"- {' '.join(sample(6))}" for _ in range(3)] + [""]
        language = rng.choice(["python", "python", "bash", "rust", "javascript"])
        a, b, c = sample(3)
        code = {
            "python": f"import {a}\n\ndef {b}_{c}(values):\n    result = [{a}.{b}(v) for v in values]\n    return sum(result) / len(result)\n\nprint({b}_{c}([1, 2, 3]))",
            "bash": f"mkdir -p {a}/{b}\ncd {a}\necho \"{c}\" > {b}/notes.txt\nls -la {b}",
            "rust": f"fn {a}_{b}(input: &[f32]) -> f32 {{\n    input.iter().map(|x| x * 2.0).sum()\n}}\n\nfn main() {{\n    println!(\"{{}}\", {a}_{b}(&[1.0, 2.0]));\n}}",
            "javascript": f"const {a} = [1, 2, 3];\nconst {b} = {a}.map((x) => x * 2);\nconsole.log({b}.join(\"{c}\"));",
        }[language]
        lines += [f"```{language}", code, "```", ""]
    return title, "\n".join(lines)


def pages_of(count, seed=7):
    """The same `count` pages for every layout: (folder, name, title, text)."""
    rng = random.Random(seed)
    sample = zipf_sampler(rng, vocabulary(rng, 4000))
    out = []
    for n in range(count):
        kind = "tutorials" if n % 3 == 0 else "recipes"
        title, text = page(rng, sample, n, kind, count)
        out.append((kind, f"page-{n:05}", title, text))
    return out


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def generate(root, pages, seed=7):
    """Writes a primer site of `pages` pages into `root`; returns the titles by URL."""
    write(os.path.join(root, "book.toml"), '[site]\ntitle = "Benchmark site"\nbase_url = "https://example.org/"\n')
    titles = {}
    for kind, name, title, text in pages_of(pages, seed):
        write(os.path.join(root, "content", kind, name + ".md"), text)
        titles[f"{kind}/{name}/"] = title
    return titles


HUGO_CONFIG = """baseURL = "https://example.org/"
title = "Benchmark site"
disableKinds = ["RSS"]
[markup.highlight]
noClasses = false
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<link rel="stylesheet" href="/style.css"></head><body><main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1><p>{{ .Params.summary }}</p>
<ul>{{ range .Params.tags }}<li><a href="{{ "/tags/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>
<nav>{{ .TableOfContents }}</nav>{{ .Content }}
{{ with .PrevInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}
{{ with .NextInSection }}<a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</article>{{ end }}
""",
    "list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>{{ range .Pages }}<div class="card">
<a href="{{ .RelPermalink }}">{{ .Title }}</a><p>{{ .Params.summary }}</p></div>{{ end }}{{ end }}
""",
    "_markup/render-blockquote.html": """{{ if eq .Type "alert" }}<div class="callout callout-{{ .AlertType }}">
<p class="callout-title">{{ .AlertType | title }}</p>{{ .Text }}</div>{{ else }}<blockquote>{{ .Text }}</blockquote>{{ end }}
""",
}


def generate_hugo(root, pages, seed=7):
    """The same pages as a Hugo site, with the minimal templates it needs."""
    write(os.path.join(root, "hugo.toml"), HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        write(os.path.join(root, "layouts", "_default", name), text)
    write(os.path.join(root, "static", "style.css"), "body { font-family: sans-serif; }\n")
    for kind, name, _, text in pages_of(pages, seed):
        write(os.path.join(root, "content", kind, name + ".md"), text)


def generate_mdbook(root, pages, seed=7):
    """The same pages as an mdBook: no front matter (mdBook has none), the
    title as a heading, every page in SUMMARY.md."""
    write(os.path.join(root, "book.toml"), '[book]\ntitle = "Benchmark site"\nsrc = "src"\n')
    summary = ["# Summary", ""]
    for kind, name, title, text in pages_of(pages, seed):
        body = text.split("\n---\n", 1)[1]
        write(os.path.join(root, "src", kind, name + ".md"), f"# {title}\n{body}")
        summary.append(f"- [{title}]({kind}/{name}.md)")
    write(os.path.join(root, "src", "SUMMARY.md"), "\n".join(summary) + "\n")
