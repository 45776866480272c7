//! Entry points for the fuzz targets in `fuzz/` and for the property
//! tests: each feeds arbitrary input to one stage and panics only when an
//! invariant breaks. Errors are fine; panics, and output paths that could
//! leave the output folder, are not.

use std::path::Path;
use std::sync::OnceLock;

use crate::config::{self, Config, Overrides};
use crate::markdown::highlight::Highlighter;
use crate::markdown::links::LinkTargets;
use crate::model::SourceDoc;
use crate::results::Results;
use crate::safety::{RawHtml, Sanitizer};
use crate::sources::{Format, Source};
use crate::{frontmatter, markdown, snippets};

/// What every input reuses: made once, read-only afterwards, so that a
/// fuzzer spends its time on the input and not on loading syntaxes.
struct Setup {
    config: Config,
    highlighter: Highlighter,
    sanitizer: Sanitizer,
    /// A few documented objects, so that names in code and inline code
    /// are linked as a site with inventories links them.
    api: crate::inventory::ApiIndex,
}

/// The objects of [`Setup::api`].
const DOCUMENTED: &str = "print py:function 1 functions.html#$ -\nlen py:function 1 functions.html#$ -\nlist py:class 1 stdtypes.html#$ -\nstr.join py:method 1 stdtypes.html#$ -\nos.path py:module 0 os.path.html#module-$ -\nos.path.join py:function 1 os.path.html#$ -\nnumpy py:module 0 index.html#module-$ -\nnumpy.arange py:function 1 arange.html -\n";

fn documented() -> crate::inventory::ApiIndex {
    use crate::inventory::{Entry, Inventory, write};
    let entries = DOCUMENTED
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split(' ').collect();
            let (domain, role) = fields[1].split_once(':').unwrap_or_default();
            Entry {
                name: fields[0].to_owned(),
                domain: domain.to_owned(),
                role: role.to_owned(),
                priority: fields[2].parse().unwrap_or(1),
                uri: fields[3].to_owned(),
                display: "-".to_owned(),
            }
        })
        .collect();
    let bytes = write(&Inventory { project: "Fuzz".to_owned(), version: "1".to_owned(), entries });
    let body = crate::inventory::open(&bytes).expect("an inventory primer wrote");
    let mut api = crate::inventory::ApiIndex::default();
    api.add(body.entries().map_while(Result::ok), "https://docs.example/");
    api
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| Setup {
        config: config::parse(Path::new("/site"), "[site]\ntitle = \"Fuzz\"\n", &Overrides::default())
            .expect("a valid config"),
        highlighter: Highlighter::new(),
        sanitizer: Sanitizer::new(&["www.youtube-nocookie.com".to_owned()]),
        api: documented(),
    })
}

fn doc(rel: &str, text: &str) -> SourceDoc {
    SourceDoc {
        rel: rel.to_owned(),
        display: format!("content/{rel}"),
        text: text.to_owned(),
        origins: None,
        images: Vec::new(),
        labels: Vec::new(),
    }
}

/// Parses `text` as a book.toml.
pub fn book_toml(text: &str) {
    if let Err(problems) = config::parse(Path::new("/site"), text, &Overrides::default()) {
        for problem in problems {
            let _ = problem.render(false);
        }
    }
}

/// Parses `text` as a recipe with front matter.
pub fn front_matter(text: &str) {
    let (_, problems) = frontmatter::run(&setup().config, vec![doc("recipes/fuzz.md", text)]);
    for problem in problems {
        let _ = problem.render(false);
    }
}

/// Renders `body` as the body of a recipe, with raw HTML as `raw_html`
/// says.
fn render(body: &str, raw_html: RawHtml) -> (Vec<crate::model::Page>, Vec<crate::diagnostic::Diagnostic>) {
    let setup = setup();
    let text = format!("---\ntitle: Fuzz\nsummary: S\n---\n{body}");
    let (pages, _) = frontmatter::run(&setup.config, vec![doc("recipes/fuzz.md", &text)]);
    let targets = LinkTargets::new(&pages, &[]);
    let results = Results::default();
    let context = markdown::Context {
        highlighter: &setup.highlighter,
        targets: &targets,
        results: &results,
        raw_html,
        sanitizer: &setup.sanitizer,
        broken_links: crate::diagnostic::Severity::Error,
        api: &setup.api,
        example_reports: None,
    };
    markdown::render_pages(&context, pages)
}

/// Reads `text` as an RST page, a sphinx-gallery script and a MyST page
/// (written for primer, and in a book), then
/// renders each as a page: no panic, every line mapped back to the file,
/// and no script in the sanitized page.
pub fn source_page(text: &str) {
    let formats = [
        ("recipes/fuzz.rst", Format::Rst),
        ("recipes/fuzz.py", Format::Script),
        ("recipes/fuzz.md", Format::Markdown),
        ("recipes/book/fuzz.md", Format::Myst),
    ];
    for (rel, format) in formats {
        let display = format!("content/{rel}");
        let source = Source { display: &display, rel, text };
        let Some(Ok(converted)) = crate::sources::convert(format, &source, Path::new("unused")) else { continue };
        for warning in &converted.warnings {
            let _ = warning.render(false);
        }
        let lines = converted.markdown.lines().count();
        assert!(
            (1..=lines).all(|line| converted.origins.line_of(line) <= text.lines().count().max(1)),
            "a line maps outside the file: {text:?}"
        );
        // The body after the front matter, rendered as a page.
        let body = converted.markdown.splitn(3, "---\n").nth(2).unwrap_or_default();
        markdown(body);
    }
}

/// Renders `body` as a page, in each raw HTML mode.
pub fn markdown(body: &str) {
    for raw_html in [RawHtml::Sanitize, RawHtml::Escape] {
        let (rendered, problems) = render(body, raw_html);
        for problem in problems {
            let _ = problem.render(false);
        }
        if raw_html == RawHtml::Sanitize {
            for page in &rendered {
                assert!(!page.rendered.html.contains("<script"), "a script survived sanitizing: {body:?}");
            }
        }
    }
}

/// Renders `code` as a Python block of a page whose names link to API
/// docs: every link is closed, and the block shows exactly the text it
/// shows without links.
pub fn python_names(code: &str) {
    // What Markdown itself changes in a fenced block's text (line
    // endings, NUL) or would end it with is left out.
    let code = code.replace('`', "'").replace('\r', "\n").replace('\0', " ");
    let (pages, _) = render(&format!("```python\n{code}\n```\n\n```pycon\n{code}\n```\n"), RawHtml::Sanitize);
    let Some(page) = pages.first() else { return };
    let html = &page.rendered.html;
    assert_eq!(html.matches("<a ").count(), html.matches("</a>").count(), "{code:?}");
    let mut session = setup().highlighter.session();
    let blocks = html.split("<code class=\"language-python\">").skip(1);
    for (block, lang) in blocks.zip(["python", "pycon"]) {
        let visible = crate::codeblock::visible_code(lang, &format!("{code}\n"));
        let plain = text_of(&session.highlight(&visible, "python"));
        let shown = text_of(block.split("</code>").next().unwrap_or_default());
        assert_eq!(shown, plain, "{lang}: {code:?}");
    }
}

/// HTML with its tags taken out, entities as written.
fn text_of(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Renders `input` (Markdown with raw HTML in it, heading attributes and
/// all) with raw HTML sanitized, and reads the page back with the
/// tokenizer browsers' parsing is specified by: no `on*` attribute, no
/// `<script>`, no URL attribute with a scheme that runs code may come out.
pub fn html_safety(input: &str) {
    let (rendered, _) = render(input, RawHtml::Sanitize);
    for page in &rendered {
        let found = scripts_in(&page.rendered.html);
        assert!(found.is_empty(), "{found:?} in the page made of {input:?}:\n{}", page.rendered.html);
    }
}

/// What in `html` could run script, as a browser's tokenizer reads it.
pub fn scripts_in(html: &str) -> Vec<String> {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

    struct Sink(std::cell::RefCell<Vec<String>>);
    impl TokenSink for Sink {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            let Token::TagToken(tag) = token else { return TokenSinkResult::Continue };
            let mut found = self.0.borrow_mut();
            if matches!(&*tag.name, "script" | "object" | "embed" | "base" | "meta" | "frame") {
                found.push(format!("<{}>", tag.name));
            }
            for attribute in &tag.attrs {
                let name = attribute.name.local.to_ascii_lowercase();
                let name = &*name;
                let image = &*tag.name == "img";
                let fetches = name == "style" && attribute.value.contains("url(");
                if name.starts_with("on") || name == "formaction" || name == "srcdoc" || fetches {
                    found.push(format!("<{} {name}>", tag.name));
                } else if crate::safety::URL_ATTRIBUTES.contains(&name)
                    && crate::safety::dangerous_scheme(&attribute.value, image).is_some()
                {
                    found.push(format!("<{} {name}={:?}>", tag.name, &*attribute.value));
                }
            }
            TokenSinkResult::Continue
        }
    }
    let tokenizer = Tokenizer::new(Sink(std::cell::RefCell::default()), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    tokenizer.sink.0.take()
}

/// Checks the blocks of a page whose one fence has the info string `info`.
pub fn snippet_attributes(info: &str) {
    let info = info.replace(['\n', '`'], " ");
    let text = format!("---\ntitle: Fuzz\nsummary: S\n---\n```{info}\nprint(1)\n```\n\n```output\n1\n```\n");
    let setup = setup();
    let (pages, _) = frontmatter::run(&setup.config, vec![doc("recipes/fuzz.md", &text)]);
    for problem in snippets::check(&setup.config, &|lang| setup.highlighter.knows(lang), &pages) {
        let _ = problem.render(false);
    }
}

/// Builds, in memory, a site with the content files `files` (paths inside
/// `content/` and their text), and checks that every output path is
/// relative, unique and free of empty, `.` and `..` segments.
pub fn site(files: &[(String, String)]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    std::fs::write(root.join("book.toml"), "[site]\ntitle = \"Fuzz\"\n").expect("book.toml");
    std::fs::create_dir(root.join("content")).expect("content/");
    for (rel, text) in files {
        let parts: Vec<&str> = rel.split('/').collect();
        // Only names a file system can hold, inside content/.
        if parts.iter().any(|p| p.is_empty() || *p == "." || *p == ".." || p.contains('\0') || p.len() > 100) {
            continue;
        }
        let path = root.join("content").join(rel);
        let written = path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(&path, text));
        if written.is_err() {
            continue;
        }
    }
    let Ok(paths) = crate::build::output_paths(root) else { return };
    let mut seen = std::collections::HashSet::new();
    for path in &paths {
        assert!(!path.is_empty() && !path.starts_with('/'), "output path {path:?} is not relative");
        assert!(
            path.split('/').all(|s| !s.is_empty() && s != "." && s != ".."),
            "output path {path:?} has a bad segment"
        );
        assert!(seen.insert(path), "output path {path:?} is written twice");
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// A folder or file name as careless authors and attackers write them.
    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,8}",
            "[!.~ _-]{1,4}",
            Just("index".to_owned()),
            Just("..".to_owned()),
            Just("tags".to_owned()),
            Just("assets".to_owned()),
            "[A-Za-zé!. ]{1,10}",
        ]
    }

    fn content_file() -> impl Strategy<Value = (String, String)> {
        let folder = prop_oneof![
            Just(String::new()),
            Just("recipes/".to_owned()),
            Just("tutorials/".to_owned()),
            name().prop_map(|n| format!("{n}/"))
        ];
        let extension = prop_oneof![Just(".md"), Just(".html"), Just(".png"), Just("")];
        (folder, name(), extension).prop_map(|(folder, name, ext)| {
            (format!("{folder}{name}{ext}"), "---\ntitle: T\nsummary: S\n---\nBody [x](#top)\n".to_owned())
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn output_paths_stay_inside_and_unique(files in prop::collection::vec(content_file(), 1..6)) {
            site(&files);
        }

        #[test]
        fn front_matter_never_panics(text in "---\n([a-z]{1,6}: [^\n]{0,12}\n){0,4}(---\n)?[^\u{0}]{0,40}") {
            front_matter(&text);
        }

        #[test]
        fn rst_and_gallery_scripts_never_panic(text in r#"("""\n|#{20}\n|# |\.\. |::|``|`|_|\*|:[a-z]{1,4}:|\||\[|\]|<|>|=+\n|-+\n|\+-+\+|\n|   |[a-z]{1,5}|\u{1F917}|é|\t|\$|\\){0,80}"#) {
            source_page(&text);
        }

        #[test]
        fn myst_never_panics(text in r#"(```\{[a-z-]{1,8}\}|:::\{note\}|```|:::|````|\{ref\}`|\{eq\}`|\{[a-z]{1,4}\}`|`|\(lbl\)=\n|\$\$|\$\$ \(eq\)|:label: |:class: dropdown|---\n|\n|# |## |\* - |  - |[a-z]{1,5}|%|\+\+\+|<|>|é|\\){0,80}"#) {
            source_page(&text);
        }

        #[test]
        fn python_names_link_without_changing_the_code(code in "(import numpy as np\n|from os import path\n|import os.path\n|def f\\(|\\):|lambda |for | in |print|len|list|np\\.arange|os\\.path\\.join|\\.join|'|\"|\"\"\"|#|\\(|\\)|\\[|\\]|=|,|:|;|\n|    |>>> |\\.\\.\\. |In \\[1\\]: |\\\\|<|&|é|[a-z]{1,4}| ){0,60}") {
            python_names(&code);
        }

        #[test]
        fn markdown_never_panics(body in "([#>*`<\\[\\]()!a-z:/\"= \n-]|javascript:|<script>|<details>|```){0,60}") {
            markdown(&body);
        }

        #[test]
        fn sanitized_pages_never_carry_script(input in "([#>*`\\[\\]()!a-z:/\"'= \n{}.-]|javascript:|&#106;|&#x6A|<script>|<img src=x |onerror=alert(1)|<a href=|<details>|<math>|<svg>|<style>|<textarea>|<primer-slot data-n=\"0\"></primer-slot>|\u{F8FF}|## H |```){0,60}") {
            html_safety(&input);
        }

        #[test]
        fn book_toml_never_panics(text in "(\\[site\\]\ntitle = \"x\"\n)?([a-z_]{1,10} = (\"[^\"\n]{0,10}\"|[0-9]{1,3}|true)\n|\t{0,30}[a-z ]{0,5}\n){0,5}") {
            book_toml(&text);
        }

        #[test]
        fn snippet_attributes_never_panic(info in "[a-z]{0,6}([ ,]{1,2}[a-z_=0-9]{0,10}){0,4}") {
            snippet_attributes(&info);
        }
    }
}
