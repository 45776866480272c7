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

/// Every `name → url` of an inventory file, its uris joined to `base`:
/// read here with flate2 alone, apart from primer's reader.
fn inventory_urls(path: &std::path::Path, base: &str) -> std::collections::HashMap<String, String> {
    use std::io::Read;
    let bytes = std::fs::read(path).unwrap();
    let mut rest = &bytes[..];
    for _ in 0..4 {
        let end = rest.iter().position(|&b| b == b'\n').unwrap();
        rest = &rest[end + 1..];
    }
    let mut body = String::new();
    flate2::read::ZlibDecoder::new(rest).read_to_string(&mut body).unwrap();
    let mut urls = std::collections::HashMap::new();
    for line in body.lines() {
        let mut fields = line.split(' ');
        let (Some(name), Some(kind), Some(_priority), Some(uri)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if kind.starts_with("py:") {
            let uri = uri.strip_suffix('$').map_or(uri.to_owned(), |stem| format!("{stem}{name}"));
            urls.entry(name.to_owned()).or_insert(format!("{base}{uri}"));
        }
    }
    urls
}

/// The site with Python's and pandas' real inventories.
fn real_site() -> TestSite {
    TestSite::fixture("api-site")
}

#[test]
fn names_in_code_blocks_link_through_imports_to_the_urls_the_real_inventories_give() {
    let site = real_site();
    site.build();
    let mut urls = inventory_urls(&site.path().join("inventories/python-3.11.inv"), "https://docs.python.org/3.11/");
    urls.extend(inventory_urls(
        &site.path().join("inventories/pandas-1.5.3.inv"),
        "https://pandas.pydata.org/pandas-docs/version/1.5.3/",
    ));
    let page = site.html("recipes/group-rows/index.html");
    let titles = page.attrs("pre a.api-link", "title");
    let hrefs = page.attrs("pre a.api-link", "href");
    for (title, href) in titles.iter().zip(&hrefs) {
        assert_eq!(Some(href), urls.get(title), "{title}");
    }
    // What each link shows, and the object it names: imports with an
    // alias, an imported function, builtins.
    let shown: Vec<String> =
        page.texts("pre a.api-link").iter().zip(&titles).map(|(text, title)| format!("{text}={title}")).collect();
    assert_eq!(
        shown,
        [
            "pandas=pandas",
            "functools=functools",
            "reduce=functools.reduce",
            "pd.DataFrame=pandas.DataFrame",
            "print=print",
            "len=len",
            "reduce=functools.reduce",
            // The second block: `filter` and `list` are the function's own.
            "print=print",
            "sorted=sorted",
            "bool=bool",
        ]
    );
    // A value of unknown type stays plain: no `groupby` link in code.
    assert!(!titles.iter().any(|t| t.ends_with("groupby")), "{titles:?}");
    // The link keeps the colours: the highlighted spans are inside it.
    assert!(page.count("pre a.api-link span") > 0);
    let tutorial = site.html("tutorials/first-frame/index.html");
    assert_eq!(
        tutorial.attrs("pre a.api-link", "title"),
        ["pandas", "pandas.DataFrame", "print", "print", "pandas.concat", "pandas", "pandas.read_csv"]
    );
}

#[test]
fn a_page_or_a_block_can_keep_its_names_unlinked() {
    let site = real_site();
    site.build();
    let unlinked = site.html("recipes/unlinked/index.html");
    assert_eq!(unlinked.count("a.api-link"), 0);
    assert_eq!(unlinked.count(".apis-used"), 0);
    let paths = site.html("recipes/join-paths/index.html");
    let blocks = paths.inner(".prose");
    let plain_block = blocks.split("<div class=\"code-block\"").nth(2).unwrap();
    assert!(plain_block.contains("osp") && !plain_block.contains("api-link"), "{plain_block}");
    assert_eq!(
        paths.attrs("pre a.api-link", "title"),
        ["os.path", "pathlib", "pathlib.Path", "print", "os.path.join", "print", "pathlib.Path"]
    );
}

#[test]
fn every_object_in_use_gets_a_page_listing_exactly_the_pages_that_use_it() {
    let site = real_site();
    site.build();
    let groupby = site.html("api/pandas.DataFrame.groupby/index.html");
    assert_eq!(groupby.texts("h1"), ["pandas.DataFrame.groupby"]);
    assert_eq!(
        groupby.attrs("a.api-docs", "href"),
        [
            "https://pandas.pydata.org/pandas-docs/version/1.5.3/reference/api/pandas.DataFrame.groupby.html#pandas.DataFrame.groupby"
        ]
    );
    // Inline code uses it on one recipe; the tutorial's `frame.groupby`
    // is on a value of unknown type.
    assert_eq!(groupby.attrs(".cards .card-title a", "href"), ["../../recipes/group-rows/"]);
    // Recipes first, by level, then tutorials; the page that turned its
    // links off is not there.
    let print = site.html("api/print/index.html");
    assert_eq!(
        print.attrs(".cards .card-title a", "href"),
        ["../../recipes/group-rows/", "../../recipes/join-paths/", "../../tutorials/first-frame/"]
    );
    let index = site.html("api/index.html");
    assert_eq!(
        index.texts(".api-module h2 code"),
        ["bool", "functools", "len", "os.path", "pandas", "pathlib", "print", "sorted"]
    );
    let pandas: Vec<String> = index.texts("#module-pandas + .api-index li a code");
    assert_eq!(pandas, ["pandas", "pandas.DataFrame", "pandas.DataFrame.groupby", "pandas.concat", "pandas.read_csv"]);
    assert!(index.texts("[data-api-name='pandas.dataframe'] .count").contains(&"1 recipe · 1 tutorial".to_owned()));
    // Each page lists what it uses under its contents, linked to the API page.
    let recipe = site.html("recipes/group-rows/index.html");
    assert!(recipe.attrs(".apis-used a", "href").contains(&"../../api/pandas.DataFrame.groupby/".to_owned()));
    assert_eq!(site.html("index.html").attrs(".site-nav a[href='api/']", "href").len(), 1);
}

#[test]
fn search_finds_an_api_page_first_and_then_the_pages_that_use_it() {
    let site = real_site();
    let run = site.run(&["search", "DataFrame.groupby"]);
    assert!(run.success, "{}", run.stderr);
    let urls: Vec<&str> =
        run.stdout.lines().filter_map(|l| l.split_whitespace().find(|w| w.starts_with('/'))).collect();
    assert_eq!(urls.first(), Some(&"/api/pandas.DataFrame.groupby/"), "{}", run.stdout);
    assert!(urls.contains(&"/recipes/group-rows/"), "{}", run.stdout);
}

#[test]
fn the_api_pages_are_in_the_published_inventory_which_sphobjinv_reads() {
    let site = real_site();
    site.build();
    if !common::python_can_import("sphobjinv") {
        return;
    }
    let script = "import sys, sphobjinv\ninv = sphobjinv.Inventory(sys.argv[1])\nprint(inv.project)\nfor o in inv.objects:\n    print(o.name, o.domain, o.role, o.uri, o.dispname, sep='|')\n";
    let output =
        std::process::Command::new("python3").args(["-c", script]).arg(site.out("objects.inv")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Data recipes");
    assert!(lines.contains(&"recipes/group-rows|std|doc|recipes/group-rows/|Group rows and total them"), "{text}");
    assert!(
        lines.contains(&"tutorials/first-frame#group-it|std|label|tutorials/first-frame/#group-it|Group it"),
        "{text}"
    );
    assert!(
        lines.contains(&"api/pandas.DataFrame.groupby|std|doc|api/pandas.DataFrame.groupby/|Tutorials and recipes that use pandas.DataFrame.groupby"),
        "{text}"
    );
}

#[test]
fn with_inventories_a_page_may_not_take_the_api_folder() {
    let site = real_site();
    site.write("content/api/notes.md", "---\ntitle: Notes\n---\nText.\n");
    let run = site.build_fails();
    assert!(run.stderr.contains("content/api/notes.md"), "{}", run.stderr);
    assert!(run.stderr.contains("this page would replace primer's own /api/notes/"), "{}", run.stderr);
}

/// Serves `body` to one request on a local port, then stops listening.
fn serve_once(body: Vec<u8>) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/3/objects.inv", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap() > 2 {
            line.clear();
        }
        let mut stream = stream;
        write!(stream, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()).unwrap();
        stream.write_all(&body).unwrap();
    });
    (url, handle)
}

#[test]
fn an_inventory_url_is_fetched_once_and_then_read_offline_from_the_cache() {
    let site = TestSite::fixture("basic");
    let (url, server) = serve_once(inventory("Python", "functools.reduce py:function 1 library/functools.html#$ -\n"));
    let config = site.read_source("book.toml");
    site.write("book.toml", format!("{config}\n[api.inventories]\npython = \"{url}\"\n"));
    site.write("content/recipes/fold.md", "---\ntitle: Fold\nsummary: Fold a list.\n---\nUse `functools.reduce`.\n");
    site.build();
    server.join().unwrap();
    let expected = url.replace("objects.inv", "library/functools.html#functools.reduce");
    assert_eq!(site.html("recipes/fold/index.html").attrs("a.api-link", "href"), std::slice::from_ref(&expected));
    // The server is gone: the copy serves, with no word of a fetch.
    let offline = site.build();
    assert!(!offline.stderr.contains("fetch"), "{}", offline.stderr);
    assert_eq!(site.html("recipes/fold/index.html").attrs("a.api-link", "href"), [expected]);
    // A refresh that fails keeps the copy and says so.
    let refresh = site.run(&["build", "--refresh-inventories"]);
    assert!(refresh.success, "{}", refresh.stderr);
    assert!(refresh.stderr.contains(&format!("inventory `python`: cannot fetch {url}")), "{}", refresh.stderr);
    assert!(refresh.stderr.contains("using the copy in .primer/cache/inventories/"), "{}", refresh.stderr);
    // So does a copy older than `max_age_days`.
    site.write("book.toml", format!("{config}\n[api]\nmax_age_days = 0\n[api.inventories]\npython = \"{url}\"\n"));
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(site.build().stderr.contains("using the copy in"));
    // With no copy, an inventory that cannot be fetched is an error.
    std::fs::remove_dir_all(site.path().join(".primer/cache")).unwrap();
    let failed = site.build_fails();
    assert!(failed.stderr.contains(&format!("inventory `python`: cannot fetch {url}")), "{}", failed.stderr);
    assert!(failed.stderr.contains("download the file and name it"), "{}", failed.stderr);
}

#[test]
fn a_hostile_inventory_makes_no_script_link_no_stray_path_and_no_markup() {
    let site = site();
    site.write(
        "inventories/python.inv",
        inventory(
            "Python",
            "evil py:function 1 javascript:alert(1) -\n../../escape py:function 1 https://example.org/escape -\nx\"><script>alert(1)</script> py:function 1 https://example.org/x -\nfunctools.reduce py:function 1 https://docs.example/reduce -\n",
        ),
    );
    let config = site.read_source("book.toml").replace(", base = \"https://docs.python.org/3/\"", "");
    site.write("book.toml", config);
    site.write(
        "content/recipes/hostile.md",
        "---\ntitle: Hostile\nsummary: Names an inventory chose.\n---\nSee `evil`, `../../escape`, `x\"><script>alert(1)</script>` and `functools.reduce`.\n",
    );
    site.build();
    let html = site.read("recipes/hostile/index.html");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(!html.contains("<script>alert"), "{html}");
    let page = site.html("recipes/hostile/index.html");
    assert_eq!(
        page.attrs(".prose a.api-link", "href"),
        ["https://example.org/escape", "https://example.org/x", "https://docs.example/reduce"]
    );
    // Only a dotted identifier gets a page of its own, inside api/.
    let mut made: Vec<String> = std::fs::read_dir(site.out("api"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    made.sort();
    assert_eq!(made, ["functools.reduce", "index.html"]);
    assert!(!site.path().join("escape").exists() && !site.out("../escape").exists());
}

#[test]
fn a_cached_inventory_that_is_a_symbolic_link_is_never_read() {
    let site = TestSite::fixture("basic");
    let url = "http://127.0.0.1:9/objects.inv";
    let config = site.read_source("book.toml");
    site.write("book.toml", format!("{config}\n[api.inventories]\npython = \"{url}\"\n"));
    // As a pull request could commit it: the cache entry for the URL,
    // linked to a file outside the site.
    let name = format!("{}.inv", &blake3::hash(url.as_bytes()).to_hex()[..16]);
    let cache = site.path().join(".primer/cache/inventories");
    std::fs::create_dir_all(&cache).unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), inventory("Secret", "secret.name py:function 1 s.html -\n")).unwrap();
    std::os::unix::fs::symlink(outside.path(), cache.join(&name)).unwrap();
    let run = site.build_fails();
    assert!(run.stderr.contains(&format!("inventory `python`: cannot fetch {url}")), "{}", run.stderr);
    assert!(!run.stderr.contains("using the copy"), "{}", run.stderr);
}
