//! RST inline markup as Markdown: literals, emphasis, hyperlinks, roles,
//! substitutions and footnote references. Plain text is escaped so that
//! nothing in it means something new to Markdown (`_`, `*`, `$`, `<`, a
//! `-` starting a line).

use super::{Rst, Substitution, label_anchor, normalize};

/// Roles of Python (and other) API objects: shown as inline code; the
/// `~` form shows the last name, `!` no link.
const API_ROLES: [&str; 16] = [
    "func",
    "meth",
    "class",
    "attr",
    "mod",
    "obj",
    "exc",
    "data",
    "const",
    "any",
    "attribute",
    "method",
    "function",
    "property",
    "type",
    "module",
];

/// Roles shown as inline code of their text.
const LITERAL_ROLES: [&str; 14] = [
    "code", "literal", "samp", "file", "kbd", "command", "program", "envvar", "option", "makevar", "regexp",
    "mimetype", "token", "keyword",
];

/// Roles shown as their text.
const TEXT_ROLES: [&str; 8] = ["emphasis", "title-reference", "title", "dfn", "term", "abbr", "sub", "sup"];

/// Markdown being written, which knows when it is at the start of a line.
#[derive(Default)]
struct Markdown(String);

impl Markdown {
    fn at_line_start(&self) -> bool {
        self.0.is_empty() || self.0.ends_with('\n')
    }

    /// Plain text, escaped.
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            if self.at_line_start() {
                if c == ' ' {
                    continue;
                }
                if matches!(c, '#' | '>' | '-' | '+' | '=' | ':') {
                    self.0.push('\\');
                }
            }
            if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '$' | '|' | '~' | '&' | '!') {
                self.0.push('\\');
            }
            self.0.push(c);
        }
    }

    /// The Markdown, with the punctuation of a line that starts `12. ` or
    /// `3)` escaped: it would start a list.
    fn finish(self) -> String {
        let mut out = String::with_capacity(self.0.len());
        for line in self.0.split_inclusive('\n') {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            let rest = &line[digits..];
            let marker = rest.starts_with(". ") || rest.starts_with(") ") || matches!(rest.trim_end(), "." | ")");
            if (1..=9).contains(&digits) && marker {
                out.push_str(&line[..digits]);
                out.push('\\');
                out.push_str(rest);
            } else {
                out.push_str(line);
            }
        }
        out
    }

    /// Markdown made elsewhere, as it is.
    fn markdown(&mut self, markdown: &str) {
        self.0.push_str(markdown);
    }
}

/// Whether inline markup may start at byte `i`: after whitespace, an
/// opening bracket or quote, or a dash or slash.
fn may_start(text: &str, i: usize) -> bool {
    text[..i].chars().next_back().is_none_or(|c| c.is_whitespace() || "-:/'\"<([{\u{2018}\u{201c}".contains(c))
}

/// Where `delimiter` closes markup whose content starts at `from`: after
/// some text that does not end in whitespace, and before whitespace,
/// punctuation or the end.
fn closing(text: &str, from: usize, delimiter: &str) -> Option<usize> {
    let mut at = from;
    while let Some(found) = text.get(at..)?.find(delimiter) {
        let p = at + found;
        let before = text[..p].chars().next_back();
        let after = text[p + delimiter.len()..].chars().next();
        let content_ok = p > from && before.is_some_and(|c| !c.is_whitespace() && c != '\\');
        let end_ok = after.is_none_or(|c| c.is_whitespace() || "-.,:;!?\\/'\")]}>_\u{2019}\u{201d}".contains(c));
        if content_ok && end_ok {
            return Some(p);
        }
        at = p + 1;
    }
    None
}

/// A role's name at the start of `text` (`:func:` before a backquote).
/// Domains make names of several parts: `:py:func:`.
fn role_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix(':')?;
    let end = rest.find(":`")?;
    let name = &rest[..end];
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_+.:".contains(c));
    valid.then_some(name)
}

/// `text <target>` as its text and target; a bare target has no text.
fn titled(content: &str) -> (Option<&str>, &str) {
    if let Some(open) = content.strip_suffix('>').and_then(|c| c.rfind('<').map(|at| (c, at))) {
        let (inner, at) = open;
        let title = inner[..at].trim();
        return ((!title.is_empty()).then_some(title), inner[at + 1..].trim());
    }
    (None, content.trim())
}

/// Inline code of `text`, fenced with enough backquotes.
fn code_span(text: &str) -> String {
    let text = text.replace('\n', " ");
    if text.trim().is_empty() {
        return String::new();
    }
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || longest > 0 { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A link destination as Markdown writes it, in `<…>` when it holds
/// spaces or brackets.
pub(super) fn link_destination(url: &str) -> String {
    let url: String = url.split_whitespace().collect();
    if url.contains(['(', ')', '<', '>', ' ']) {
        format!("<{}>", url.replace('<', "%3C").replace('>', "%3E"))
    } else {
        url
    }
}

/// A path as RST writes it, for a page `depth` folders deep: one starting
/// with `/` is from the top of `content/`.
pub(super) fn site_path(path: &str, depth: usize) -> String {
    match path.trim().strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') => format!("{}{rest}", "../".repeat(depth)),
        _ => path.trim().to_owned(),
    }
}

/// Markdown with its links reduced to their text.
pub(in crate::sources) fn unlink(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = find_unescaped(rest, '[') {
        let Some(close) = find_unescaped(&rest[open..], ']').map(|c| open + c) else { break };
        let after = &rest[close + 1..];
        let Some(end) = after.strip_prefix('(').and_then(|a| a.find(')')) else {
            out.push_str(&rest[..=close]);
            rest = after;
            continue;
        };
        let start = if open > 0 && rest[..open].ends_with('!') { open - 1 } else { open };
        out.push_str(&rest[..start]);
        out.push_str(&rest[open + 1..close]);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn find_unescaped(text: &str, wanted: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if c == wanted && !escaped {
            return Some(i);
        }
        escaped = c == '\\' && !escaped;
    }
    None
}

/// RST hyperlinks in `text` reduced to their text: `` `Ann <url>`_ `` → `Ann`.
pub(super) fn rst_link_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open + 1..].find('`').map(|c| open + 1 + c) else {
            rest = &rest[open..];
            break;
        };
        let (title, target) = titled(&rest[open + 1..close]);
        out.push_str(title.unwrap_or(target));
        rest = rest[close + 1..].trim_start_matches('_');
    }
    out.push_str(rest);
    out
}

/// Text with icon roles (`:octicon:`…``) removed.
pub(super) fn strip_icons(text: &str) -> String {
    let mut out = text.to_owned();
    for icon in [":octicon:`", ":fa:`", ":icon:`", ":material-regular:`"] {
        while let Some(at) = out.find(icon) {
            let end = out[at + icon.len()..].find('`').map_or(out.len(), |e| at + icon.len() + e + 1);
            out.replace_range(at..end, "");
        }
    }
    out.trim().to_owned()
}

impl Rst<'_> {
    /// RST inline markup in `text` (which may span lines, each kept) as
    /// Markdown; `line` is where `text` starts, for warnings.
    pub(super) fn inline(&mut self, text: &str, line: usize) -> String {
        let mut out = Markdown::default();
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let c = rest.chars().next().unwrap_or(' ');
            if c == '\\' {
                let escaped = rest[1..].chars().next();
                if let Some(escaped) = escaped.filter(|e| !e.is_whitespace()) {
                    out.text(&escaped.to_string());
                }
                i += 1 + escaped.map_or(0, char::len_utf8);
                continue;
            }
            if may_start(text, i) {
                if let Some((markdown, used)) = self.markup(text, i, line) {
                    out.markdown(&markdown);
                    i += used;
                    continue;
                }
                if let Some((markdown, used)) = self.word(rest) {
                    out.markdown(&markdown);
                    i += used;
                    continue;
                }
            }
            out.text(&c.to_string());
            i += c.len_utf8();
        }
        out.finish()
    }

    /// Markup starting at byte `i`: its Markdown and the bytes it took.
    fn markup(&mut self, text: &str, i: usize, line: usize) -> Option<(String, usize)> {
        let rest = &text[i..];
        let first = rest.bytes().next().filter(|b| b"`*:|[".contains(b))?;
        // Markup starts before text, never before a space. Its opening
        // characters are ASCII: one byte each.
        let opener = rest.bytes().take_while(|b| *b == first).count().min(2);
        if rest[opener..].starts_with(char::is_whitespace) || rest.len() == opener {
            return None;
        }
        if rest.starts_with("``") {
            let end = closing(text, i + 2, "``")?;
            return Some((code_span(&text[i + 2..end]), end + 2 - i));
        }
        if let Some(name) = role_name(rest) {
            let open = i + name.len() + 3;
            // Docutils wants the closing quote before a space or
            // punctuation; writers put a plural `s` after it, and Sphinx
            // shows their role all the same.
            let end = closing(text, open, "`").or_else(|| text[open..].find('`').map(|e| open + e))?;
            let after = text[end + 1..].chars().next();
            let used = end + 1 - i + usize::from(after == Some('_'));
            return Some((self.role(name, &text[open..end], line), used));
        }
        if rest.starts_with('`') {
            return self.interpreted(text, i, line);
        }
        if rest.starts_with("**") {
            let end = closing(text, i + 2, "**")?;
            return Some((format!("**{}**", self.inline(&text[i + 2..end], line)), end + 2 - i));
        }
        if rest.starts_with('*') && !rest.starts_with("* ") {
            let end = closing(text, i + 1, "*")?;
            return Some((format!("*{}*", self.inline(&text[i + 1..end], line)), end + 1 - i));
        }
        if rest.starts_with('|') {
            let end = closing(text, i + 1, "|")?;
            let name = &text[i + 1..end];
            let Some(replacement) = self.substitutions.get(name).cloned() else {
                self.warn(
                    line,
                    &format!("|{name}|"),
                    format!("unknown substitution `|{name}|`: its name is shown"),
                    "define it in the page: `.. |name| replace:: text`",
                );
                let mut markdown = Markdown::default();
                markdown.text(name);
                return Some((markdown.0, end + 1 - i));
            };
            let suffix =
                if text[end + 1..].starts_with("__") { 2 } else { usize::from(text[end + 1..].starts_with('_')) };
            let shown = match replacement {
                Substitution::Image(source) => format!("![{name}]({})", link_destination(&source)),
                Substitution::Text(text) => self.inline(&text, line),
            };
            let shown = match self.targets.get(&normalize(name)).filter(|_| suffix > 0) {
                Some(url) => format!("[{shown}]({})", link_destination(url)),
                None => shown,
            };
            return Some((shown, end + 1 + suffix - i));
        }
        if let Some(label) = rest.strip_prefix('[').and_then(|r| r.split_once("]_")).map(|(label, _)| label) {
            let valid = !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '#' || c == '-');
            return valid.then(|| (format!("[^{}]", label.trim_start_matches('#')), label.len() + 3));
        }
        None
    }

    /// `` `text` `` and its forms: a hyperlink reference (`` `text <url>`_ ``,
    /// `` `name`_ ``, `__` anonymous), a role after it (`` `x`:math: ``), or
    /// the default role, shown as code.
    fn interpreted(&mut self, text: &str, i: usize, line: usize) -> Option<(String, usize)> {
        let end = closing(text, i + 1, "`")?;
        let content = &text[i + 1..end];
        let after = &text[end + 1..];
        if after.starts_with("__") {
            let (title, target) = titled(content);
            let url = if title.is_some() || content.ends_with('>') {
                target.to_owned()
            } else {
                let url = self.anonymous.get(self.anonymous_used).cloned().unwrap_or_default();
                self.anonymous_used += 1;
                url
            };
            return Some((self.link(title.unwrap_or(target), &url), end + 3 - i));
        }
        if after.starts_with('_') {
            let (title, target) = titled(content);
            let url = match title {
                Some(title) if !target.is_empty() => {
                    let url = self.reference(target, line).unwrap_or_else(|| target.to_owned());
                    self.targets.entry(normalize(title)).or_insert_with(|| url.clone());
                    url
                }
                _ if content.ends_with('>') => target.to_owned(),
                _ => match self.named(content, line) {
                    Some(url) => url,
                    None => return Some((self.inline(content, line), end + 2 - i)),
                },
            };
            return Some((self.link(title.unwrap_or(target), &url), end + 2 - i));
        }
        if let Some(name) =
            role_name(after).or_else(|| after.strip_prefix(':').and_then(|a| a.split_once(':')).map(|(n, _)| n))
        {
            let used = end + name.len() + 3 - i;
            return Some((self.role(name, content, line), used));
        }
        Some((code_span(content), end + 1 - i))
    }

    /// The URL a named reference stands for; a warning when there is none.
    fn named(&mut self, name: &str, line: usize) -> Option<String> {
        let found = self.targets.get(&normalize(name)).cloned();
        if found.is_none() {
            self.warn(
                line,
                name,
                format!("unknown link target `{name}`: shown as plain text"),
                "define it with `.. _name: https://…` or write the URL in the link: `` `text <https://…>`_ ``",
            );
        }
        found
    }

    /// The target of `` `text <target>`_ ``: a URL, or `name_` naming a
    /// target defined elsewhere.
    fn reference(&mut self, target: &str, line: usize) -> Option<String> {
        let name = target.strip_suffix('_').filter(|_| !target.contains("://"))?;
        self.named(name, line)
    }

    /// A Markdown link with `text` (RST, converted) to `url`.
    fn link(&mut self, text: &str, url: &str) -> String {
        let shown = if text.is_empty() { url.to_owned() } else { text.to_owned() };
        let mut markdown = Markdown::default();
        markdown.text(&shown.replace('\n', " "));
        format!("[{}]({})", markdown.0, link_destination(url))
    }

    /// A bare URL (an autolink) or a `name_` reference at the start of
    /// `rest`.
    fn word(&mut self, rest: &str) -> Option<(String, usize)> {
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = rest.find(|c: char| c.is_whitespace() || "<>\"'`".contains(c)).unwrap_or(rest.len());
            let url = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
            return Some((format!("<{url}>"), url.len()));
        }
        let len = rest.find(|c: char| !(c.is_alphanumeric() || "_-.+".contains(c))).unwrap_or(rest.len());
        let word = &rest[..len];
        let name = word.strip_suffix('_').filter(|n| !n.ends_with('_') && !n.is_empty())?;
        let url = self.targets.get(&normalize(name))?.clone();
        Some((self.link(name, &url), len))
    }

    /// An interpreted text role as Markdown.
    pub(in crate::sources) fn role(&mut self, name: &str, content: &str, line: usize) -> String {
        let short = name.rsplit(':').next().unwrap_or(name);
        let (title, target) = titled(content);
        match short {
            // A link to the object's documentation when the site's
            // inventories know it (`!` asks for no link), else the code.
            _ if API_ROLES.contains(&short) && !target.starts_with('!') => {
                let full = target.trim_start_matches('~').trim_start_matches('.');
                format!("[{}](api:{})", code_span(&api_name(short, title, target)), link_destination(full))
            }
            _ if API_ROLES.contains(&short) => code_span(&api_name(short, title, target)),
            "math" => format!("${}$", content.trim().replace('\n', " ")),
            "ref" | "doc" if target.contains(':') => {
                self.warn(
                    line,
                    target,
                    format!("`:{short}:` to `{target}`, a place in another project's docs: shown as text"),
                    "link to the page with a URL: `` `text <https://…>`_ ``",
                );
                let mut markdown = Markdown::default();
                markdown.text(title.unwrap_or(target));
                markdown.0
            }
            "doc" => {
                let path = site_path(target, self.depth());
                let text = title.map(|t| self.inline(t, line)).unwrap_or_default();
                format!("[{text}]({})", link_destination(&path))
            }
            "ref" | "numref" => {
                let text = title.map(|t| self.inline(t, line)).unwrap_or_default();
                format!("[{text}](ref:{})", label_anchor(target))
            }
            "download" => self.link(title.unwrap_or(target), &site_path(target, self.depth())),
            "pep" => self.link(&format!("PEP {target}"), &format!("https://peps.python.org/pep-{target:0>4}/")),
            "rfc" => self.link(&format!("RFC {target}"), &format!("https://datatracker.ietf.org/doc/html/rfc{target}")),
            "strong" | "guilabel" | "menuselection" => {
                let text = content.replace("-->", "\u{2192}");
                format!("**{}**", self.inline(&text, line))
            }
            _ if LITERAL_ROLES.contains(&short) => code_span(content),
            _ if TEXT_ROLES.contains(&short) => {
                let text = if short == "abbr" { content.split(" (").next().unwrap_or(content) } else { content };
                let mut markdown = Markdown::default();
                markdown.text(text);
                markdown.0
            }
            // An index entry shows its text; the entry is for an index.
            "index" => {
                let mut markdown = Markdown::default();
                markdown.text(title.unwrap_or(target));
                markdown.0
            }
            "octicon" | "fa" | "icon" | "material-regular" => String::new(),
            _ => {
                self.warn(
                    line,
                    &format!(":{name}:"),
                    format!("unknown RST role `:{name}:`: its text is shown as it is"),
                    "primer reads Python-domain roles, :math:, :doc:, :ref:, :download:, :code: and the text roles",
                );
                let mut markdown = Markdown::default();
                markdown.text(title.unwrap_or(target));
                markdown.0
            }
        }
    }
}

/// Whether [`Rst::role`] reads the role `name` (its last part after `:`).
pub(in crate::sources) fn knows_role(name: &str) -> bool {
    let short = name.rsplit(':').next().unwrap_or(name);
    API_ROLES.contains(&short)
        || LITERAL_ROLES.contains(&short)
        || TEXT_ROLES.contains(&short)
        || [
            "math",
            "ref",
            "doc",
            "numref",
            "download",
            "pep",
            "rfc",
            "strong",
            "guilabel",
            "menuselection",
            "octicon",
            "fa",
            "icon",
            "material-regular",
            "index",
        ]
        .contains(&short)
}

/// How an API role shows its target: `~` keeps the last name, `!` is
/// dropped, functions and methods get `()`.
fn api_name(role: &str, title: Option<&str>, target: &str) -> String {
    if let Some(title) = title {
        return title.to_owned();
    }
    let target = target.trim_start_matches('!').trim_start_matches('.');
    let shown = match target.strip_prefix('~') {
        Some(full) => full.rsplit('.').next().unwrap_or(full),
        None => target,
    };
    let call = matches!(role, "func" | "meth" | "function" | "method") && !shown.ends_with(')');
    if call { format!("{shown}()") } else { shown.to_owned() }
}
