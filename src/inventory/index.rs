//! The Python objects of the site's inventories, looked up by the names
//! code writes.

use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::EntryRef;

/// Where a documented object's page is, for links from code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiTarget<'a> {
    /// The object's full name.
    pub(crate) name: &'a str,
    pub(crate) url: String,
    /// `function`, `class`, `method`, `module`…
    pub(crate) role: &'a str,
}

/// A documented object, by its full name in [`ApiIndex`].
#[derive(Debug)]
struct Object {
    /// Where its uri is in [`ApiIndex::uris`], as the inventory wrote it:
    /// a trailing `$` stands for the name.
    uri: (u32, u32),
    /// Index into [`ApiIndex::roles`].
    role: u16,
    /// Index into [`ApiIndex::bases`].
    base: u16,
}

/// Every Python object of the site's inventories, by full name, and the
/// dotted names ending in each last part, for names written shorter
/// (`DataFrame.groupby` → `pandas.DataFrame.groupby`).
///
/// Built at every cold build from inventories of 10,000 to 30,000 lines
/// each, so it keeps each line's text once and joins uris to their base
/// only for the names code uses.
#[derive(Debug, Default)]
pub(crate) struct ApiIndex {
    bases: Vec<String>,
    objects: FxHashMap<Arc<str>, Object>,
    /// Every object's uri, one after another.
    uris: String,
    /// Dotted full names by their last part: `groupby` → the `groupby`s.
    by_tail: FxHashMap<Box<str>, Vec<Arc<str>>>,
    modules: FxHashSet<Arc<str>>,
    /// Roles, each kept once.
    roles: Vec<Box<str>>,
}

impl ApiIndex {
    /// Adds the Python objects among `entries`, their uris joined to
    /// `base`. A name two inventories document keeps the first one's page.
    /// An entry whose uri is a URL of another kind than http(s) is left
    /// out: an inventory can come from anywhere, and a `javascript:` link
    /// must not reach a page.
    pub(crate) fn add<'e>(&mut self, entries: impl IntoIterator<Item = EntryRef<'e>>, base: &str) {
        self.bases.push(base.to_owned());
        let base_id = u16::try_from(self.bases.len() - 1).unwrap_or(u16::MAX);
        let entries = entries.into_iter();
        self.objects.reserve(entries.size_hint().0 / 2);
        for entry in entries.filter(|e| e.domain == "py" && e.priority >= 0) {
            if !linkable(entry.uri, base) {
                continue;
            }
            let name: Arc<str> = Arc::from(entry.name);
            let std::collections::hash_map::Entry::Vacant(vacant) = self.objects.entry(Arc::clone(&name)) else {
                continue;
            };
            let role = match self.roles.iter().position(|known| **known == *entry.role) {
                Some(known) => known,
                None => {
                    self.roles.push(entry.role.into());
                    self.roles.len() - 1
                }
            };
            let start = u32::try_from(self.uris.len()).unwrap_or(u32::MAX);
            self.uris.push_str(entry.uri);
            let uri = (start, u32::try_from(entry.uri.len()).unwrap_or(0));
            vacant.insert(Object { uri, role: u16::try_from(role).unwrap_or(u16::MAX), base: base_id });
            if entry.role == "module" {
                self.modules.insert(Arc::clone(&name));
            }
            if let Some((_, tail)) = entry.name.rsplit_once('.') {
                match self.by_tail.get_mut(tail) {
                    Some(names) => names.push(name),
                    None => {
                        self.by_tail.insert(tail.into(), vec![name]);
                    }
                }
            }
        }
    }

    /// The object `code` names: its full name, or a dotted suffix of
    /// exactly one full name (`DataFrame.groupby`), with or without `()`.
    /// A bare name that also ends a dotted one (`sum`, which is also
    /// `DataFrame.sum`) names nothing for certain.
    pub(crate) fn resolve(&self, code: &str) -> Option<ApiTarget<'_>> {
        let name = code.trim().strip_suffix("()").unwrap_or(code.trim());
        let tail = name.rsplit_once('.').map_or(name, |(_, tail)| tail);
        let ending_so = self.by_tail.get(tail).map_or(&[][..], Vec::as_slice);
        if !name.contains('.') {
            return if ending_so.is_empty() { self.get(name) } else { None };
        }
        if let Some(target) = self.get(name) {
            return Some(target);
        }
        let mut matches = ending_so.iter().filter(|full| {
            full.len() > name.len() && full.ends_with(name) && full[..full.len() - name.len()].ends_with('.')
        });
        match (matches.next(), matches.next()) {
            (Some(only), None) => self.get(only),
            _ => None,
        }
    }

    /// The object of exactly this full name.
    pub(crate) fn get(&self, name: &str) -> Option<ApiTarget<'_>> {
        let (name, object) = self.objects.get_key_value(name)?;
        let (start, length) = (object.uri.0 as usize, object.uri.1 as usize);
        let uri = self.uris.get(start..start + length).unwrap_or_default();
        let base = self.bases.get(usize::from(object.base)).map_or("", String::as_str);
        let mut url = String::with_capacity(base.len() + uri.len() + name.len());
        url.push_str(base);
        match uri.strip_suffix('$') {
            Some(stem) => {
                url.push_str(stem);
                url.push_str(name);
            }
            None => url.push_str(uri),
        }
        let role = self.roles.get(usize::from(object.role)).map_or("", |role| &**role);
        Some(ApiTarget { name, url, role })
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
        self.objects.keys().map(|name| &**name)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.objects.is_empty()
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
    use crate::inventory::{Entry, Inventory};

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

    fn add(index: &mut ApiIndex, inventory: &Inventory, base: &str) {
        index.add(inventory.entries.iter().map(Entry::as_ref), base);
    }

    #[test]
    fn names_resolve_by_full_name_or_an_unambiguous_suffix() {
        let mut index = ApiIndex::default();
        add(
            &mut index,
            &inventory(&[
                ("pandas", "module", "index.html"),
                ("pandas.DataFrame.groupby", "method", "groupby.html"),
                ("pandas.Series.groupby", "method", "sgroupby.html"),
                ("pandas.DataFrame.head", "method", "head.html"),
            ]),
            "https://pandas.example/",
        );
        let url = |code: &str| index.resolve(code).map(|t| t.url);
        assert_eq!(url("pandas.DataFrame.groupby()").as_deref(), Some("https://pandas.example/groupby.html"));
        assert_eq!(url("DataFrame.groupby").as_deref(), Some("https://pandas.example/groupby.html"));
        // Two objects end in `.groupby`, and a bare name is never a suffix.
        assert_eq!(url("groupby"), None);
        assert_eq!(url("head"), None);

        assert_eq!(index.module_of("pandas.DataFrame.head"), "pandas");
        assert_eq!(index.module_of("pandas"), "pandas");
    }

    #[test]
    fn a_bare_name_that_also_ends_a_dotted_one_is_ambiguous() {
        let mut index = ApiIndex::default();
        let objects = [
            ("sum", "function", "sum.html"),
            ("len", "function", "len.html"),
            ("pandas.DataFrame.sum", "method", "s.html"),
        ];
        add(&mut index, &inventory(&objects), "");
        assert_eq!(index.resolve("sum()"), None);
        assert_eq!(index.resolve("len()").map(|t| t.url).as_deref(), Some("len.html"));
        // Exactly named, it is known: code blocks look names up so.
        assert!(index.get("sum").is_some());
    }

    #[test]
    fn uris_that_are_not_web_links_are_left_out() {
        let hostile =
            inventory(&[("evil", "function", "javascript:alert(1)"), ("good", "function", "https://x.example/")]);
        let mut index = ApiIndex::default();
        add(&mut index, &hostile, "");
        assert!(index.resolve("evil").is_none());
        assert!(index.resolve("good").is_some());
        let mut based = ApiIndex::default();
        add(&mut based, &hostile, "https://docs.example/");
        assert_eq!(based.resolve("evil").map(|t| t.url).as_deref(), Some("https://docs.example/javascript:alert(1)"));
    }
}
