//! Links from code to API documentation through Sphinx inventories.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write;

use common::TestSite;

/// An `objects.inv` as Sphinx writes it.
fn inventory(project: &str, body: &str) -> Vec<u8> {
    let mut bytes = format!(
        "# Sphinx inventory version 2\n# Project: {project}\n# Version: 1\n# The remainder of this file is compressed using zlib.\n"
    )
    .into_bytes();
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body.as_bytes()).unwrap();
    bytes.extend(encoder.finish().unwrap());
    bytes
}

fn site() -> TestSite {
    let site = TestSite::fixture("basic");
    site.write(
        "inventories/python.inv",
        inventory("Python", "functools.reduce py:function 1 library/functools.html#$ -\nfunctools py:module 0 library/functools.html#module-$ -\n"),
    );
    site.write(
        "inventories/pandas.inv",
        inventory("pandas", "pandas.DataFrame.groupby py:method 1 reference/api/pandas.DataFrame.groupby.html -\npandas.Series.groupby py:method 1 reference/api/pandas.Series.groupby.html -\n"),
    );
    let config = site.read_source("book.toml");
    site.write(
        "book.toml",
        format!("{config}\n[api.inventories]\npython = {{ path = \"inventories/python.inv\", base = \"https://docs.python.org/3/\" }}\npandas = {{ path = \"inventories/pandas.inv\", base = \"https://pandas.pydata.org/docs\" }}\n"),
    );
    site
}

#[test]
fn inline_code_naming_an_object_links_to_its_documentation() {
    let site = site();
    site.write(
        "content/recipes/apis.md",
        "---\ntitle: APIs\nsummary: Names that link.\n---\nUse `functools.reduce()` and `DataFrame.groupby`, not `groupby` (two objects end so) or `reduce` (no dot). [`functools.reduce`](https://example.org/) keeps its own link.\n",
    );
    site.build();
    let page = site.html("recipes/apis/index.html");
    assert_eq!(
        page.attrs(".prose a.api-link", "href"),
        [
            "https://docs.python.org/3/library/functools.html#functools.reduce",
            "https://pandas.pydata.org/docs/reference/api/pandas.DataFrame.groupby.html"
        ]
    );
    assert_eq!(page.attrs(".prose a.api-link", "title"), ["functools.reduce", "pandas.DataFrame.groupby"]);
    assert_eq!(page.texts(".prose a.api-link code"), ["functools.reduce()", "DataFrame.groupby"]);
    assert_eq!(page.attrs(".prose a[href='https://example.org/']", "href").len(), 1);
}

#[test]
fn a_malformed_inventory_is_an_error_at_its_line() {
    let site = site();
    site.write("inventories/python.inv", inventory("Python", "functools.reduce py:function 1 a.html -\nbroken\n"));
    let run = site.build_fails();
    assert!(run.stderr.contains("inventories/python.inv:6"), "{}", run.stderr);
    assert!(run.stderr.contains("`broken` is not `name domain:role priority uri dispname`"), "{}", run.stderr);
}

#[test]
fn roles_resolve_through_the_inventories_and_unknown_ones_warn_with_a_suggestion() {
    let site = site();
    site.write(
        "content/recipes/roles.rst",
        "Roles\n=====\n\nA summary.\n\nUse :func:`~functools.reduce` and :func:`functools.reduc`.\n",
    );
    let run = site.build();
    let page = site.html("recipes/roles/index.html");
    assert_eq!(
        page.attrs(".prose a[title='functools.reduce']", "href"),
        ["https://docs.python.org/3/library/functools.html#functools.reduce"]
    );
    assert_eq!(page.texts(".prose a[title='functools.reduce'] code"), ["reduce()"]);
    assert!(page.texts(".prose code").contains(&"functools.reduc()".to_owned()), "an unknown name stays code");
    assert!(run.stderr.contains("`functools.reduc` is in none of the site's inventories"), "{}", run.stderr);
    assert!(run.stderr.contains("did you mean `functools.reduce`?"), "{}", run.stderr);
    assert!(run.stderr.contains("content/recipes/roles.rst:6:"), "{}", run.stderr);
}

#[test]
fn the_site_publishes_its_own_inventory_which_python_reads() {
    let site = site();
    site.build();
    let path = site.out("objects.inv");
    // An independent reader: Python's zlib and the format's own rules.
    let script = "import sys, zlib\ndata = open(sys.argv[1], 'rb').read()\nlines = data.split(b'\\n', 4)\nassert lines[0] == b'# Sphinx inventory version 2', lines[0]\nprint(lines[1].decode())\nprint(zlib.decompress(lines[4]).decode())\n";
    let output = std::process::Command::new("python3").args(["-c", script]).arg(&path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("# Project: Fixture Tutorials\n"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("recipes/load-images std:doc -1 recipes/load-images/ ")), "{text}");
    assert!(text.lines().any(|l| l.contains(" std:label -1 ") && l.contains("#")), "{text}");
}
