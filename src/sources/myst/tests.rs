use super::*;

fn read(text: &str, jupyter: bool) -> Converted {
    page(&Source { display: "content/book/a.md", rel: "book/a.md", text }, jupyter)
}

fn body(converted: &Converted) -> &str {
    converted.markdown.splitn(3, "---\n").nth(2).unwrap_or_default()
}

#[test]
fn code_outside_code_cells_is_shown_and_never_run_in_a_jupyter_document() {
    let text = "# T\n\n```python\nx = 1\n```\n\n~~~~bash\n```\n~~~~\n\n````\nplain\n````\n";
    let converted = read(text, true);
    assert!(body(&converted).contains("```python ignore\nx = 1\n```\n"), "{}", converted.markdown);
    assert!(body(&converted).contains("~~~~bash ignore\n```\n~~~~\n"), "{}", converted.markdown);
    assert!(body(&converted).contains("````\nplain\n````\n"), "{}", converted.markdown);
    // A page written for primer runs its fences.
    let own = read("---\ntitle: T\nsummary: S.\n---\n```python\nx = 1\n```\n{math}`x`\n", false);
    assert!(own.markdown.contains("```python\nx = 1\n```\n"), "{}", own.markdown);
}

#[test]
fn admonitions_in_either_fence_become_callouts() {
    let text = "# T\n\n```{note}\nA *note*.\n```\n\n:::{tip} Try this\n:class: dropdown\nFolded.\n:::\n\n\
                ````{admonition} Custom title\n:class: warning\nInner:\n```{hint}\nNested.\n```\n````\n";
    let converted = read(text, true);
    let markdown = body(&converted);
    assert!(markdown.contains("> [!NOTE]\n>\n> A *note*.\n"), "{markdown}");
    assert!(markdown.contains("> [!TIP]- Try this\n>\n> Folded.\n"), "{markdown}");
    assert!(
        markdown.contains("> [!WARNING] Custom title\n>\n> Inner:\n>\n> > [!TIP] Hint\n> >\n> > Nested.\n"),
        "{markdown}"
    );
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}

#[test]
fn code_cells_run_and_code_blocks_show() {
    let text = "# T\n\n```{code-cell} ipython3\n:tags: [raises-exception]\n1 / 0\n```\n\n```{code-block} python\n:caption: Shown\nprint(1)\n```\n\n```{code-cell} python3\n:tags: [skip-execution]\nopen('data.csv')\n```\n";
    let converted = read(text, true);
    let markdown = body(&converted);
    assert!(markdown.contains("```ipython3 should_fail\n1 / 0\n```\n"), "{markdown}");
    assert!(markdown.contains("*Shown*\n\n```python ignore\nprint(1)\n```\n"), "{markdown}");
    assert!(markdown.contains("```ipython3 ignore\nopen('data.csv')\n```\n"), "{markdown}");
    // Lines keep their places in the file.
    let line = converted.markdown.lines().position(|l| l == "1 / 0").expect("code") + 1;
    assert_eq!(converted.origins.line_of(line), 5);
}

#[test]
fn labels_equations_and_roles() {
    let text = "# T\n\n(intro)=\n## Intro\n\n$$ e = mc^2 $$ (energy)\n\n```{math}\n:label: sum\na + b\n```\n\n\
                See {ref}`intro`, {ref}`the start <intro>`, {eq}`energy`, {doc}`other`, {math}`x^2`, \
                {py:func}`numpy.sort` and `` {ref}`not a role` ``.\n";
    let converted = read(text, true);
    let markdown = body(&converted);
    assert!(markdown.contains("## Intro {#intro}\n"), "{markdown}");
    assert!(markdown.contains("$$\n\\label{energy}\\tag{1}\ne = mc^2\n$$\n"), "{markdown}");
    assert!(markdown.contains("$$\n\\label{sum}\\tag{2}\na + b\n$$\n"), "{markdown}");
    assert!(
        markdown.contains(
            "See [](ref:intro), [the start](ref:intro), [](ref:energy), [](other), $x^2$, [`numpy.sort()`](api:numpy.sort) and `` {ref}`not a role` ``."
        ),
        "{markdown}"
    );
    let labels: Vec<(&str, &str, &str)> =
        converted.labels.iter().map(|l| (l.name.as_str(), l.anchor.as_str(), l.title.as_str())).collect();
    assert_eq!(labels, [("intro", "intro", "Intro"), ("energy", "energy", "(1)"), ("sum", "sum", "(2)")]);
}

#[test]
fn figures_tables_and_rst() {
    let text = "# T\n\n```{figure} img/a.png\n:alt: A plot\n:name: fig-a\n\nThe *caption*.\n```\n\n\
                ```{list-table} Sizes\n:header-rows: 1\n\n* - Name\n  - Size\n* - a\n  - 1\n```\n\n\
                ```{eval-rst}\n.. note:: From RST.\n```\n";
    let converted = read(text, true);
    let markdown = body(&converted);
    assert!(markdown.contains("![A plot](img/a.png)\n\n*The *caption*.*\n"), "{markdown}");
    assert!(markdown.contains("*Sizes*\n\n| Name | Size |\n| --- | --- |\n| a | 1 |\n"), "{markdown}");
    assert!(markdown.contains("> [!NOTE]\n>\n> From RST."), "{markdown}");
    assert!(converted.labels.iter().any(|l| l.name == "fig-a" && l.title == "The *caption*."));
}

#[test]
fn unknown_directives_and_roles_warn_and_show_their_content() {
    let text = "# T\n\nSummary.\n\n```{mystery} arg\nInside *it*.\n```\n\nA {weird}`role` here.\n";
    let converted = read(text, true);
    let markdown = body(&converted);
    assert!(markdown.contains("Inside *it*."), "{markdown}");
    assert!(markdown.contains("A role here."), "{markdown}");
    let warnings: Vec<String> = converted.warnings.iter().map(|w| format!("{}: {}", w.location(), w.message)).collect();
    assert_eq!(
        warnings,
        [
            "content/book/a.md:5:4: unknown MyST directive `{mystery}`: its content is shown",
            "content/book/a.md:9:3: unknown MyST role `{weird}`: its text is shown as it is"
        ]
    );
}

#[test]
fn a_jupyter_document_takes_its_title_and_summary_from_its_head() {
    let text = "---\njupytext:\n  formats: md:myst\nkernelspec:\n  name: python3\n---\n\n# Sorting\n\nSort *fast*.\n\n(more)=\n## More\n";
    assert!(is_jupyter_document(text));
    let converted = read(text, true);
    assert!(converted.markdown.starts_with("---\njupytext:\n  formats: md:myst\nkernelspec:\n  name: python3\ntitle: Sorting\nsummary: Sort *fast*.\n---\n"), "{}", converted.markdown);
    assert!(!body(&converted).contains("Sort *fast*."), "the summary is the lead");
    assert!(!is_jupyter_document("---\ntitle: A\n---\n"));
}

#[test]
fn the_head_is_never_read_from_inside_a_fence_and_myst_keys_give_the_summary() {
    let text = "---\ntitle: Writing\nsubtitle: Use MyST to write.\nshort_title: W\nauthors:\n  - name: Ada\n---\n\n\
                ````{myst}\n# Inside\n\nNot the summary.\n````\n";
    let converted = read(text, true);
    assert!(
        converted.markdown.starts_with("---\ntitle: Writing\nsummary: Use MyST to write.\nauthors:\n- Ada\n---\n"),
        "{}",
        converted.markdown
    );
    assert!(body(&converted).contains("# Inside\n\nNot the summary.\n"), "{}", converted.markdown);
}

#[test]
fn a_fence_naming_a_language_in_braces_is_a_cell() {
    let converted = read("# T\n\n```{python}\nprint(1)\n```\n\n```{r}\nx <- 1\n```\n", true);
    let markdown = body(&converted);
    assert!(markdown.contains("```ipython3\nprint(1)\n```\n"), "{markdown}");
    assert!(markdown.contains("```r\nx <- 1\n```\n"), "{markdown}");
    assert!(converted.warnings.is_empty(), "{:?}", converted.warnings);
}
