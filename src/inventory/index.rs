//! The Python objects of the site's inventories, looked up by the names
//! code writes.

use std::collections::{HashMap, HashSet};

use super::Inventory;

/// Where a documented object's page is, for links from code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiTarget {
    /// The object's full name.
    pub(crate) name: String,
    pub(crate) url: String,
    /// `function`, `class`, `method`, `module`…
    pub(crate) role: String,
}

/// Every Python object of the site's inventories, by full name, and the
/// full names each shorter dotted suffix may stand for
/// (`DataFrame.groupby` → `pandas.DataFrame.groupby`).
#[derive(Debug, Default)]
pub(crate) struct ApiIndex {
    by_name: HashMap<String, ApiTarget>,
    by_suffix: HashMap<String, Vec<String>>,
    modules: HashSet<String>,
}

impl ApiIndex {
    /// Adds the Python objects of `inventory`, its uris joined to `base`.
    /// A name two inventories document keeps the first one's page. An
    /// entry whose uri is a URL of another kind than http(s) is left out:
    /// an inventory can come from anywhere, and a `javascript:` link must
    /// not reach a page.
    pub(crate) fn add(&mut self, inventory: &Inventory, base: &str) {
        for entry in inventory.entries.iter().filter(|e| e.domain == "py" && e.priority >= 0) {
            if self.by_name.contains_key(&entry.name) || !linkable(&entry.uri, base) {
                continue;
            }
            if entry.role == "module" {
                self.modules.insert(entry.name.clone());
            }
            let url = format!("{base}{}", entry.uri);
            let target = ApiTarget { name: entry.name.clone(), url, role: entry.role.clone() };
            self.by_name.insert(entry.name.clone(), target);
            let parts: Vec<&str> = entry.name.split('.').collect();
            for start in 1..parts.len().saturating_sub(1) {
                self.by_suffix.entry(parts[start..].join(".")).or_default().push(entry.name.clone());
            }
        }
    }

    /// The object `code` names: its full name, or a dotted suffix of
    /// exactly one full name (`DataFrame.groupby`), with or without `()`.
    pub(crate) fn resolve(&self, code: &str) -> Option<&ApiTarget> {
        let name = code.trim().strip_suffix("()").unwrap_or(code.trim());
        if let Some(target) = self.by_name.get(name) {
            return Some(target);
        }
        match self.by_suffix.get(name).map(Vec::as_slice) {
            Some([only]) if name.contains('.') => self.by_name.get(only),
            _ => None,
        }
    }

    /// The object of exactly this full name.
    pub(crate) fn get(&self, name: &str) -> Option<&ApiTarget> {
        self.by_name.get(name)
    }

    /// The module `name` belongs to: itself for a module, else the longest
    /// dotted prefix of it that an inventory documents as a module, else
    /// its first part.
    pub(crate) fn module_of<'a>(&self, name: &'a str) -> &'a str {
        if self.modules.contains(name) {
            return name;
        }
        let mut prefix = name;
        while let Some((head, _)) = prefix.rsplit_once('.') {
            if self.modules.contains(head) {
                return head;
            }
            prefix = head;
        }
        name.split('.').next().unwrap_or(name)
    }

    /// Every full name, for suggestions.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// Whether `uri`, joined to `base`, makes an http(s) or relative link.
fn linkable(uri: &str, base: &str) -> bool {
    let scheme_end = uri.find([':', '/', '?', '#']).filter(|&at| uri[at..].starts_with(':'));
    match scheme_end {
        // Joined to a base, a colon is part of a path.
        Some(_) if !base.is_empty() => true,
        Some(at) => matches!(uri[..at].to_ascii_lowercase().as_str(), "http" | "https"),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Entry;

    fn inventory(lines: &[(&str, &str, &str)]) -> Inventory {
        let entries = lines
            .iter()
            .map(|(name, role, uri)| Entry {
                name: (*name).to_owned(),
                domain: "py".to_owned(),
                role: (*role).to_owned(),
                priority: 1,
                uri: (*uri).to_owned(),
                display: (*name).to_owned(),
            })
            .collect();
        Inventory { project: "p".to_owned(), version: "1".to_owned(), entries }
    }

    #[test]
    fn names_resolve_by_full_name_or_an_unambiguous_suffix() {
        let mut index = ApiIndex::default();
        index.add(
            &inventory(&[
                ("pandas", "module", "index.html"),
                ("pandas.DataFrame.groupby", "method", "groupby.html"),
                ("pandas.Series.groupby", "method", "sgroupby.html"),
                ("pandas.DataFrame.head", "method", "head.html"),
            ]),
            "https://pandas.example/",
        );
        let url = |code: &str| index.resolve(code).map(|t| t.url.as_str());
        assert_eq!(url("pandas.DataFrame.groupby()"), Some("https://pandas.example/groupby.html"));
        assert_eq!(url("DataFrame.groupby"), Some("https://pandas.example/groupby.html"));
        // Two objects end in `.groupby`, and a bare name is never a suffix.
        assert_eq!(url("groupby"), None);
        assert_eq!(url("head"), None);
        assert_eq!(index.module_of("pandas.DataFrame.head"), "pandas");
        assert_eq!(index.module_of("pandas"), "pandas");
    }

    #[test]
    fn uris_that_are_not_web_links_are_left_out() {
        let hostile =
            inventory(&[("evil", "function", "javascript:alert(1)"), ("good", "function", "https://x.example/")]);
        let mut index = ApiIndex::default();
        index.add(&hostile, "");
        assert!(index.resolve("evil").is_none());
        assert!(index.resolve("good").is_some());
        let mut based = ApiIndex::default();
        based.add(&hostile, "https://docs.example/");
        assert_eq!(based.resolve("evil").map(|t| t.url.as_str()), Some("https://docs.example/javascript:alert(1)"));
    }
}
