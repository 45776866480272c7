//! The shape of the code: stages depend on each other one way, with no
//! import circle, and one module spells out the paths under `.primer/`.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module of `src/` and the code of its files, comments and
/// unit tests left out.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: BTreeMap<String, String> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).into_iter().map(Result::unwrap) {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap().to_string_lossy().into_owned();
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let code: String =
            text.lines().filter(|l| !l.trim_start().starts_with("//")).map(|l| format!("{l}\n")).collect();
        modules.entry(module).or_default().push_str(&code);
    }
    modules
}

/// Which modules each module uses, by `crate::name` paths and
/// `use crate::{a, b}` lists.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let modules = modules();
    let path = regex::Regex::new(r"crate::([a-z_]+)").unwrap();
    let list = regex::Regex::new(r"crate::\{([^}]*)\}").unwrap();
    let item = regex::Regex::new(r"(?:^|[,{\s])([a-z_]+)(?:::|\s*(?:,|$))").unwrap();
    let mut graph = BTreeMap::new();
    for (name, code) in &modules {
        let mut uses: BTreeSet<String> = path.captures_iter(code).map(|c| c[1].to_owned()).collect();
        for captures in list.captures_iter(code) {
            uses.extend(item.captures_iter(&captures[1]).map(|c| c[1].to_owned()));
        }
        uses.retain(|used| used != name && modules.contains_key(used));
        graph.insert(name.clone(), uses);
    }
    graph
}

/// A circle of modules through `start`, if there is one.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![start.to_owned()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == start {
                return Some([path.clone(), vec![next.clone()]].concat());
            }
            if seen.insert(next.clone()) {
                stack.push([path.clone(), vec![next.clone()]].concat());
            }
        }
    }
    None
}

#[test]
fn modules_depend_on_each_other_one_way() {
    let graph = graph();
    assert!(graph.len() > 15, "the modules of src/ are found: {graph:?}");
    assert!(graph["build"].contains("render"), "edges are found: {graph:?}");
    let circles: Vec<String> = graph.keys().filter_map(|m| circle(&graph, m)).map(|c| c.join(" → ")).collect();
    assert!(circles.is_empty(), "import circles: {circles:#?}");
}

#[test]
fn the_circle_finder_finds_circles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_owned(), ["b".to_owned()].into()),
        ("b".to_owned(), ["c".to_owned()].into()),
        ("c".to_owned(), ["a".to_owned()].into()),
        ("d".to_owned(), ["a".to_owned()].into()),
    ]
    .into();
    assert_eq!(circle(&graph, "a").unwrap().join(" "), "a b c a");
    assert_eq!(circle(&graph, "d"), None);
}

#[test]
fn only_the_paths_module_spells_out_paths_under_the_state_folder() {
    let spelled = regex::Regex::new(r#""\.primer(/[^"]*)?""#).unwrap();
    let found: Vec<String> = modules()
        .iter()
        .filter(|(name, _)| name.as_str() != "paths")
        .flat_map(|(name, code)| spelled.find_iter(code).map(move |m| format!("{name}: {}", m.as_str())))
        .collect();
    assert!(found.is_empty(), "{found:?}");
}
