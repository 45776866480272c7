//! Which names in Python code stand for documented objects, found the way
//! the code runs them: through its imports (`import numpy as np` makes
//! `np.arange` `numpy.arange`), else as builtins, and never when a
//! parameter, assignment, loop variable or definition of that name
//! shadows them. A function's local names are local in all of its body,
//! as in Python; at module level, bindings take effect in order, and they
//! carry over from one block of a page to the next, as a notebook's cells
//! share their namespace. There is no type inference: `df.groupby` on a
//! value of unknown type stays plain.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use super::tokens::{Kind, Statement, Token, statements};
use crate::inventory::{ApiIndex, ApiTarget};

/// What a name is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Binding {
    /// An imported module or object, by full name.
    Import(String),
    /// Anything else: a variable, parameter, function or class of the
    /// code's own.
    Local,
}

/// A name of the code to link: its bytes in the code and its object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NameLink<'a> {
    pub(crate) range: Range<usize>,
    pub(crate) target: ApiTarget<'a>,
}

/// The module-level names of a page so far, shared by its blocks.
#[derive(Debug, Default)]
pub(crate) struct PageScope {
    module: HashMap<String, Binding>,
}

/// A function or class whose body is being read.
#[derive(Debug)]
struct Frame {
    /// Indentation of its `def` or `class` line: lines indented no
    /// deeper are outside it.
    header_indent: usize,
    is_class: bool,
    /// Every name bound anywhere in its body, and to what.
    names: HashMap<String, Binding>,
}

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// Names Python finds in `builtins` with no import.
const BUILTINS: [&str; 70] = [
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
];

impl PageScope {
    /// Binds what `code` binds at module level, linking nothing: the
    /// hidden lines of a block still run.
    pub(crate) fn run_hidden(&mut self, code: &str, api: &ApiIndex) {
        self.links(code, false, api);
    }

    /// The names of `code` that name documented objects, in order; the
    /// module-level names it binds are kept for the page's next blocks.
    /// With `prompts`, the code is an interactive session.
    pub(crate) fn links<'a>(&mut self, code: &str, prompts: bool, api: &'a ApiIndex) -> Vec<NameLink<'a>> {
        let statements = statements(code, prompts);
        let frames = frames_of(code, &statements);
        let mut reader = Reader { code, api, links: Vec::new() };
        let mut open: Vec<usize> = Vec::new();
        for (statement, frame) in statements.iter().zip(&frames.opened) {
            open.retain(|&f| frames.all[f].header_indent < statement.indent);
            let chain: Vec<&Frame> = open.iter().map(|&f| &frames.all[f]).collect();
            let scope = Scope { frames: &chain, module: &self.module };
            let bound = reader.statement(&statement.tokens, &scope);
            if open.is_empty() {
                self.module.extend(bound);
            }
            if let Some(frame) = frame {
                open.push(*frame);
            }
        }
        let mut links = reader.links;
        links.sort_by_key(|link| link.range.start);
        links.dedup_by(|b, a| b.range.start < a.range.end);
        links
    }
}

/// The frames of a block's functions and classes, read ahead so that a
/// function's names are known in all of its body.
struct Frames {
    all: Vec<Frame>,
    /// For each statement, the frame it opens, if it is a `def` or `class`.
    opened: Vec<Option<usize>>,
}

fn frames_of(code: &str, statements: &[Statement]) -> Frames {
    let mut all: Vec<Frame> = Vec::new();
    let mut opened = Vec::with_capacity(statements.len());
    let mut open: Vec<usize> = Vec::new();
    for statement in statements {
        open.retain(|&f| all[f].header_indent < statement.indent);
        let words = Words { code, tokens: &statement.tokens };
        if let Some(&innermost) = open.last() {
            let frame = &mut all[innermost];
            for (name, binding) in bindings(&words) {
                // A name bound two ways is not known to be the import.
                let entry = frame.names.entry(name).or_insert_with(|| binding.clone());
                if *entry != binding {
                    *entry = Binding::Local;
                }
            }
            for name in words.after_keyword("global").chain(words.after_keyword("nonlocal")) {
                frame.names.remove(name);
            }
        }
        let header =
            words.text(0) == "def" || words.text(0) == "class" || (words.text(0) == "async" && words.text(1) == "def");
        if header {
            let is_class = words.text(0) == "class";
            let names = if is_class {
                HashMap::new()
            } else {
                parameters(&words).into_iter().map(|i| (words.text(i).to_owned(), Binding::Local)).collect()
            };
            all.push(Frame { header_indent: statement.indent, is_class, names });
            open.push(all.len() - 1);
            opened.push(Some(all.len() - 1));
        } else {
            opened.push(None);
        }
    }
    Frames { all, opened }
}

/// The names the frames of a statement see, innermost first.
struct Scope<'s> {
    frames: &'s [&'s Frame],
    module: &'s HashMap<String, Binding>,
}

impl Scope<'_> {
    /// What `name` is bound to where the statement runs; `None` when
    /// nothing binds it (a builtin, or an unknown name).
    fn lookup(&self, name: &str) -> Option<&Binding> {
        let innermost = self.frames.len().wrapping_sub(1);
        for (depth, frame) in self.frames.iter().enumerate().rev() {
            // A class body's names are not seen from the methods in it.
            if frame.is_class && depth != innermost {
                continue;
            }
            if let Some(binding) = frame.names.get(name) {
                return Some(binding);
            }
        }
        self.module.get(name)
    }
}

/// The tokens of a statement, with their text.
struct Words<'c, 't> {
    code: &'c str,
    tokens: &'t [Token],
}

impl<'c> Words<'c, '_> {
    fn text(&self, i: usize) -> &'c str {
        self.tokens.get(i).map_or("", |t| &self.code[t.start..t.end])
    }

    fn is_name(&self, i: usize) -> bool {
        self.tokens.get(i).is_some_and(|t| t.kind == Kind::Name) && !KEYWORDS.contains(&self.text(i))
    }

    /// The names after a leading `keyword` (`global a, b`).
    fn after_keyword(&self, keyword: &str) -> impl Iterator<Item = &'c str> + '_ {
        let starts = self.text(0) == keyword;
        (1..self.tokens.len()).filter(move |&i| starts && self.is_name(i)).map(|i| self.text(i))
    }

    /// How many brackets are open before token `i`.
    fn depth(&self, i: usize) -> usize {
        self.tokens.get(i).map_or(0, |t| t.depth)
    }
}

/// The parameters of a `def` statement, as token indices: the first name
/// of each item between its outer parentheses.
fn parameters(words: &Words<'_, '_>) -> Vec<usize> {
    let Some(open) = (0..words.tokens.len()).find(|&i| words.text(i) == "(") else { return Vec::new() };
    let mut names = Vec::new();
    let mut expecting = true;
    for i in open + 1..words.tokens.len() {
        let (text, depth) = (words.text(i), words.depth(i));
        if depth == 1 && text == ")" {
            break;
        }
        if depth == 1 && text == "," {
            expecting = true;
        } else if expecting && depth == 1 && words.is_name(i) {
            names.push(i);
            expecting = false;
        } else if !matches!(text, "*" | "**" | "/") {
            expecting = false;
        }
    }
    names
}

/// What a statement binds in the scope it runs in, in order.
fn bindings(words: &Words<'_, '_>) -> Vec<(String, Binding)> {
    match words.text(0) {
        "import" => imports(words).into_iter().map(|import| (import.bound.to_owned(), import.binding)).collect(),
        "from" => from_imports(words)
            .into_iter()
            .filter(|import| !import.bound.is_empty())
            .map(|import| (import.bound.to_owned(), import.binding))
            .collect(),
        _ => targets(words).into_iter().map(|i| (words.text(i).to_owned(), Binding::Local)).collect(),
    }
}

/// One name an `import` or `from … import` statement binds.
struct Import<'c> {
    /// The name it binds.
    bound: &'c str,
    binding: Binding,
    /// Tokens of what it names (`numpy`, `torch.nn`, `reduce`), to link,
    /// and the full name they stand for.
    tokens: Range<usize>,
    full: String,
}

/// The dotted name from token `start`: its full text and the index after.
fn dotted(words: &Words<'_, '_>, start: usize) -> (String, usize) {
    let mut end = start;
    let mut name = String::new();
    while words.is_name(end) {
        name.push_str(words.text(end));
        if words.text(end + 1) != "." {
            return (name, end + 1);
        }
        name.push('.');
        end += 2;
    }
    (name.trim_end_matches('.').to_owned(), end)
}

/// `import a.b.c, d as e`: `a` bound to `a`, `e` to `d`.
fn imports<'c>(words: &Words<'c, '_>) -> Vec<Import<'c>> {
    let mut found = Vec::new();
    let mut i = 1;
    while words.is_name(i) {
        let (full, end) = dotted(words, i);
        let (bound, binding, next) = if words.text(end) == "as" && words.is_name(end + 1) {
            (words.text(end + 1), Binding::Import(full.clone()), end + 2)
        } else {
            (words.text(i), Binding::Import(words.text(i).to_owned()), end)
        };
        found.push(Import { bound, binding, tokens: i..end, full });
        if words.text(next) != "," {
            break;
        }
        i = next + 1;
    }
    found
}

/// `from a.b import c, d as e`: `c` bound to `a.b.c`, `e` to `a.b.d`. A
/// relative import binds names of unknown modules; the module itself is
/// the first item, with nothing bound.
fn from_imports<'c>(words: &Words<'c, '_>) -> Vec<Import<'c>> {
    let relative = words.text(1).starts_with('.');
    let (module, end) = dotted(words, 1);
    let mut found = Vec::new();
    if relative || words.text(end) != "import" {
        // Relative (or not an import at all): bind the names, link none.
        let names = (end..words.tokens.len()).filter(|&i| words.is_name(i) && words.text(i + 1) != "as");
        for i in names {
            found.push(Import { bound: words.text(i), binding: Binding::Local, tokens: i..i, full: String::new() });
        }
        return found;
    }
    found.push(Import { bound: "", binding: Binding::Local, tokens: 1..end, full: module.clone() });
    let mut i = end + 1;
    while i < words.tokens.len() {
        if words.is_name(i) {
            let full = format!("{module}.{}", words.text(i));
            let (bound, next) = if words.text(i + 1) == "as" && words.is_name(i + 2) {
                (words.text(i + 2), i + 3)
            } else {
                (words.text(i), i + 1)
            };
            found.push(Import { bound, binding: Binding::Import(full.clone()), tokens: i..i + 1, full });
            i = next;
        } else {
            i += 1;
        }
    }
    found
}

/// Token indices of the names a statement binds other than by import:
/// assignment and annotation targets, loop variables, `as` names,
/// `:=` targets, and the name a `def` or `class` defines.
fn targets(words: &Words<'_, '_>) -> Vec<usize> {
    let top = |i: usize| words.depth(i) == 0;
    let mut found = Vec::new();
    let first = if words.text(0) == "async" { 1 } else { 0 };
    match words.text(first) {
        "def" | "class" if words.is_name(first + 1) => found.push(first + 1),
        "for" => {
            let end = (first..words.tokens.len()).find(|&i| top(i) && words.text(i) == "in").unwrap_or(first);
            found.extend(names_in_target(words, first + 1..end));
        }
        _ => {}
    }
    for i in 0..words.tokens.len() {
        match words.text(i) {
            "as" if words.is_name(i + 1) => found.push(i + 1),
            ":=" if i > 0 && words.is_name(i - 1) => found.push(i - 1),
            _ => {}
        }
    }
    if KEYWORDS.contains(&words.text(0)) {
        return found;
    }
    let assignments: Vec<usize> = (0..words.tokens.len()).filter(|&i| top(i) && is_assignment(words.text(i))).collect();
    let mut start = 0;
    for &at in &assignments {
        // An annotation (`x: int = 0`) is not a target.
        let end = (start..at).find(|&i| top(i) && words.text(i) == ":").unwrap_or(at);
        found.extend(names_in_target(words, start..end));
        start = at + 1;
    }
    if assignments.is_empty()
        && let Some(colon) = (0..words.tokens.len()).find(|&i| top(i) && words.text(i) == ":")
    {
        found.extend(names_in_target(words, 0..colon));
    }
    found
}

fn is_assignment(op: &str) -> bool {
    op == "=" || (op.len() > 1 && op.ends_with('=') && !matches!(op, "==" | "!=" | "<=" | ">="))
}

/// The names a target list binds: `a`, `a, b`, `(a, [b, *c])`; never
/// `a.b`, `a[i]` or `i` in it.
fn names_in_target(words: &Words<'_, '_>, range: Range<usize>) -> Vec<usize> {
    let mut found = Vec::new();
    // Whether each open bracket is a subscript or call, not a display.
    let mut trailers: Vec<bool> = Vec::new();
    for i in range {
        let text = words.text(i);
        match text {
            "(" | "[" | "{" => {
                let after_value = i > 0 && (words.is_name(i - 1) || matches!(words.text(i - 1), ")" | "]"));
                trailers.push(after_value);
            }
            ")" | "]" | "}" => {
                trailers.pop();
            }
            _ if words.is_name(i)
                && !trailers.iter().any(|&t| t)
                && (i == 0 || words.text(i - 1) != ".")
                && !matches!(words.text(i + 1), "." | "[" | "(") =>
            {
                found.push(i);
            }
            _ => {}
        }
    }
    found
}

/// Reads statements, collecting the links of their names.
struct Reader<'c, 'a> {
    code: &'c str,
    api: &'a ApiIndex,
    links: Vec<NameLink<'a>>,
}

impl<'a> Reader<'_, 'a> {
    /// Links the names of one statement; returns what it binds.
    fn statement(&mut self, tokens: &[Token], scope: &Scope<'_>) -> Vec<(String, Binding)> {
        let words = Words { code: self.code, tokens };
        let imported = match words.text(0) {
            "import" => Some(imports(&words)),
            "from" => Some(from_imports(&words)),
            _ => None,
        };
        if let Some(imported) = imported {
            for import in &imported {
                self.link_import(&words, import);
            }
            return imported
                .into_iter()
                .filter(|i| !i.bound.is_empty())
                .map(|i| (i.bound.to_owned(), i.binding))
                .collect();
        }
        let targets: HashSet<usize> = targets(&words).into_iter().collect();
        let mut skipped = targets.clone();
        if matches!(words.text(0), "def" | "async") {
            skipped.extend(parameters(&words));
        }
        let line_local = line_local_names(&words);
        let mut i = 0;
        while i < tokens.len() {
            let is_use = words.is_name(i)
                && !skipped.contains(&i)
                && (i == 0 || words.text(i - 1) != ".")
                && !(words.depth(i) > 0 && words.text(i + 1) == "=");
            if !is_use {
                i += 1;
                continue;
            }
            let (_, end) = dotted(&words, i);
            if !line_local.contains(words.text(i)) {
                self.link_use(&words, i..end, scope);
            }
            i = end.max(i + 1);
        }
        let mut sorted: Vec<usize> = targets.into_iter().collect();
        sorted.sort_unstable();
        sorted.into_iter().map(|i| (words.text(i).to_owned(), Binding::Local)).collect()
    }

    /// Links what an import names: the longest part of it documented.
    fn link_import(&mut self, words: &Words<'_, '_>, import: &Import<'_>) {
        if import.tokens.is_empty() || import.full.is_empty() {
            return;
        }
        let names = import.tokens.len().div_ceil(2);
        let parts: Vec<&str> = import.full.split('.').collect();
        let skip = parts.len().saturating_sub(names);
        for last in (skip..parts.len()).rev() {
            if let Some(target) = self.api.get(&parts[..=last].join(".")) {
                let end = words.tokens[import.tokens.start + 2 * (last - skip)].end;
                self.links.push(NameLink { range: words.tokens[import.tokens.start].start..end, target });
                return;
            }
        }
    }

    /// Links the dotted name in `tokens` (names and dots) if it starts
    /// with an import or a builtin: as much of it as is documented, unless
    /// that is a module whose attribute is not.
    fn link_use(&mut self, words: &Words<'_, '_>, tokens: Range<usize>, scope: &Scope<'_>) {
        let first = words.text(tokens.start);
        let base = match scope.lookup(first) {
            Some(Binding::Import(full)) => full.clone(),
            Some(Binding::Local) => return,
            None if BUILTINS.contains(&first) => first.to_owned(),
            None => return,
        };
        let names: Vec<&str> = tokens.clone().step_by(2).skip(1).map(|i| words.text(i)).collect();
        for last in (0..=names.len()).rev() {
            let mut full = base.clone();
            for name in &names[..last] {
                full.push('.');
                full.push_str(name);
            }
            if let Some(target) = self.api.get(&full) {
                if target.role == "module" && last < names.len() {
                    return;
                }
                let end = words.tokens[tokens.start + 2 * last].end;
                self.links.push(NameLink { range: words.tokens[tokens.start].start..end, target });
                return;
            }
        }
    }
}

/// Names bound only inside the statement: comprehension variables and
/// `lambda` parameters.
fn line_local_names<'c>(words: &Words<'c, '_>) -> HashSet<&'c str> {
    let mut found = HashSet::new();
    for i in 0..words.tokens.len() {
        let end_word = match words.text(i) {
            "for" if words.depth(i) > 0 => "in",
            "lambda" => ":",
            _ => continue,
        };
        let end = (i + 1..words.tokens.len()).find(|&j| words.text(j) == end_word).unwrap_or(words.tokens.len());
        found.extend((i + 1..end).filter(|&j| words.is_name(j)).map(|j| words.text(j)));
    }
    found
}
