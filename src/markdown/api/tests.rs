use super::python::PageScope;
use super::*;
use crate::inventory::Entry;

fn index() -> ApiIndex {
    let objects = [
        ("numpy", "module"),
        ("numpy.arange", "function"),
        ("numpy.random", "module"),
        ("numpy.random.default_rng", "function"),
        ("functools", "module"),
        ("functools.reduce", "function"),
        ("torch.nn", "module"),
        ("torch.nn.Linear", "class"),
        ("os.path", "module"),
        ("os.path.join", "function"),
        ("print", "function"),
        ("list", "class"),
        ("filter", "function"),
        ("len", "function"),
        ("str.join", "method"),
    ];
    let entries: Vec<Entry> = objects
        .iter()
        .map(|(name, role)| Entry {
            name: (*name).to_owned(),
            domain: "py".to_owned(),
            role: (*role).to_owned(),
            priority: 1,
            uri: format!("{name}.html"),
            display: (*name).to_owned(),
        })
        .collect();
    let mut index = ApiIndex::default();
    index.add(entries.iter().map(Entry::as_ref), "https://docs.example/");
    index
}

/// Each linked name as `text=full.name`.
fn linked(scope: &mut PageScope, api: &ApiIndex, code: &str) -> Vec<String> {
    scope.links(code, false, api).iter().map(|l| format!("{}={}", &code[l.range.clone()], l.target.name)).collect()
}

#[test]
fn imports_with_aliases_resolve_and_carry_over_to_later_blocks() {
    let api = index();
    let mut scope = PageScope::default();
    let first = "import numpy as np\nfrom functools import reduce\nimport torch.nn as nn\nimport os.path\n";
    assert_eq!(
        linked(&mut scope, &api, first),
        ["numpy=numpy", "functools=functools", "reduce=functools.reduce", "torch.nn=torch.nn", "os.path=os.path"]
    );
    let second = "x = np.arange(3)\nrng = np.random.default_rng(0).integers(5)\nlayer = nn.Linear(2, 3)\nreduce(f, x)\nos.path.join('a', 'b')\n";
    assert_eq!(
        linked(&mut scope, &api, second),
        [
            "np.arange=numpy.arange",
            "np.random.default_rng=numpy.random.default_rng",
            "nn.Linear=torch.nn.Linear",
            "reduce=functools.reduce",
            "os.path.join=os.path.join"
        ]
    );
}

#[test]
fn builtins_link_unless_a_binding_shadows_them() {
    let api = index();
    let mut scope = PageScope::default();
    let code =
        "print(len(xs))\ndef keep(filter, xs):\n    return [x for x in xs if filter(x)]\nlist(filter(None, xs))\n";
    assert_eq!(linked(&mut scope, &api, code), ["print=print", "len=len", "list=list", "filter=filter"]);
    let shadowing = "def f(a):\n    print(a)\n    list = [a]\n    return list\nlist = 3\nprint(list)\nfor len in range(3):\n    pass\nlen(xs)\n";
    // In `f`, `list` is local in all of the body; at module level the
    // assignment shadows from then on, as do loop variables.
    assert_eq!(linked(&mut scope, &api, shadowing), ["print=print", "print=print"]);
}

#[test]
fn names_of_unknown_values_attributes_strings_and_keywords_stay_plain() {
    let api = index();
    let mut scope = PageScope::default();
    let code = "import numpy as np\ndf.groupby('a')\nobj.np.arange\ns = 'np.arange'  # np.arange\nf(print=1)\n' '.join(xs)\nstr.join(' ', xs)\nnp.nothing\n";
    assert_eq!(linked(&mut scope, &api, code), ["numpy=numpy", "str.join=str.join"]);
}

#[test]
fn a_function_scope_sees_module_imports_and_its_own() {
    let api = index();
    let mut scope = PageScope::default();
    let code = "def f():\n    import functools as ft\n    return ft.reduce\nft.reduce\nclass A:\n    np = 1\n    def g(self):\n        return np.arange\n";
    let found = linked(&mut scope, &api, code);
    assert_eq!(found, ["functools=functools", "ft.reduce=functools.reduce"]);
    // A relative import binds a name of unknown meaning; a star import binds nothing known.
    let relative = "from . import np\nnp.arange\nfrom numpy import *\narange\n";
    assert_eq!(linked(&mut PageScope::default(), &api, relative), ["numpy=numpy"]);
}

#[test]
fn a_session_links_only_its_input_lines() {
    let api = index();
    let code = ">>> import numpy as np\n>>> np.arange(2)\narray([0, 1]) print\n";
    let links: Vec<String> =
        PageScope::default().links(code, true, &api).iter().map(|l| code[l.range.clone()].to_owned()).collect();
    assert_eq!(links, ["numpy", "np.arange"]);
}

#[test]
fn links_wrap_the_coloured_spans_and_keep_every_character() {
    let api = index();
    let target = api.get("numpy.arange").expect("indexed");
    // `np.arange` split over three spans, the link starting inside one.
    let html = "<span class=\"a\">x = np</span>.<span class=\"b\">arange</span>(&lt;3)";
    let links = [python::NameLink { range: 4..13, target }];
    let out = link_spans(html, &links);
    assert_eq!(
        out,
        "<span class=\"a\">x = </span><a class=\"api-link\" href=\"https://docs.example/numpy.arange.html\" title=\"numpy.arange\"><span class=\"a\">np</span>.<span class=\"b\">arange</span></a>(&lt;3)"
    );
    let text = |h: &str| {
        let mut plain = String::new();
        let mut in_tag = false;
        for c in h.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ if !in_tag => plain.push(c),
                _ => {}
            }
        }
        plain
    };
    assert_eq!(text(&out), text(html));
}
