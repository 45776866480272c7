//! Syntax highlighting of code blocks, for a light and a dark colour scheme
//! at once.
//!
//! syntect parses each block once. Every token's scope stack is resolved
//! against both themes to a style, and the token gets one flat `<span>`
//! whose classes name those styles: `l3` is the light theme's third colour,
//! `db` the dark theme's bold. A token styled like plain text in both
//! themes gets no span. Nesting every scope as classes (syntect's classed
//! output) costs about three times the bytes in every page; resolved styles
//! keep the pages small and still theme through CSS alone, with no inline
//! styles. [`stylesheets`] writes the rules those classes need.

use std::fmt::Write as _;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rustc_hash::FxHashMap;

use syntect::highlighting::{Color, FontStyle, Style, Theme, ThemeSet};
use syntect::parsing::{ParseState, Scope, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

use crate::html::{escape_html, push_escaped};

mod lines;

const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";
/// Class prefixes of the light and the dark theme's styles.
const PREFIXES: [char; 2] = ['l', 'd'];

/// Highlights code with syntect's bundled syntaxes; built once per build.
/// Blocks highlighted by an earlier build come from a cache kept under
/// `.primer/`, and the syntaxes load only when a block is not there.
#[derive(Debug)]
pub(crate) struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
    /// The light theme, then the dark one.
    themes: [Theme; 2],
    palettes: [Palette; 2],
    cache: BlockCache,
}

/// Highlighted blocks by a hash of their language and code, and which
/// languages syntect knows: what the last build found, and what this one
/// used, which the next build reads.
#[derive(Debug, Default)]
struct BlockCache {
    found: Blocks,
    known: Languages,
    used: Mutex<(Blocks, Languages)>,
}

/// Highlighted HTML by block key.
type Blocks = FxHashMap<u64, Arc<str>>;
/// Whether syntect knows each language name asked about.
type Languages = FxHashMap<String, bool>;

/// The colours a theme uses, numbered in the order its rules name them.
#[derive(Debug)]
struct Palette {
    default: Style,
    foregrounds: Vec<Color>,
    backgrounds: Vec<Color>,
}

/// Highlighting state of one thread: the lines parsed so far and the
/// classes of the scope stacks seen, both of which repeat across blocks.
#[derive(Debug)]
pub(crate) struct Session<'h> {
    highlighter: &'h Highlighter,
    lines: lines::LineMemo,
    classes: Classes<'h>,
}

/// The themes' style matchers and the class attribute of every scope stack
/// seen, as an index into `names`; 0 for a stack that looks like plain
/// text in both themes.
struct Classes<'h> {
    matchers: [syntect::highlighting::Highlighter<'h>; 2],
    palettes: &'h [Palette; 2],
    of_stack: FxHashMap<Vec<Scope>, usize>,
    names: Vec<Box<str>>,
}

impl std::fmt::Debug for Classes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Classes").field("cached_stacks", &self.of_stack.len()).finish_non_exhaustive()
    }
}

impl Highlighter {
    pub(crate) fn new() -> Self {
        let [light, dark] = bundled_themes();
        let palettes = [Palette::of(&light), Palette::of(&dark)];
        Self { syntaxes: OnceLock::new(), themes: [light, dark], palettes, cache: BlockCache::default() }
    }

    /// A highlighter that starts from the blocks the last build of the
    /// site at `root` highlighted.
    pub(crate) fn with_cache(root: &Path) -> Self {
        let mut highlighter = Self::new();
        if let Ok(bytes) = crate::paths::read_state(
            &crate::paths::SitePaths::new(root).highlight_cache(),
            crate::paths::MAX_STATE_FILE,
        ) {
            highlighter.cache = BlockCache::read(&bytes).unwrap_or_default();
        }
        highlighter
    }

    /// Keeps the blocks this build used for the next one. A cache that
    /// cannot be written only costs the next build some highlighting.
    pub(crate) fn save_cache(&self, root: &Path) {
        let used = self.cache.used.lock().unwrap_or_else(PoisonError::into_inner);
        let unchanged = used.0.len() == self.cache.found.len()
            && used.0.keys().all(|k| self.cache.found.contains_key(k))
            && used.1 == self.cache.known;
        if unchanged {
            return;
        }
        let _ = crate::paths::write_state(
            &crate::paths::SitePaths::new(root).highlight_cache(),
            &BlockCache::write(&used.0, &used.1),
        );
    }

    fn syntaxes(&self) -> &SyntaxSet {
        self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines)
    }

    /// Whether `lang` names a syntax primer can highlight.
    pub(crate) fn knows(&self, lang: &str) -> bool {
        let known = match self.cache.known.get(lang) {
            Some(&known) => known,
            None => self.syntaxes().find_syntax_by_token(lang).is_some(),
        };
        self.cache.used.lock().unwrap_or_else(PoisonError::into_inner).1.insert(lang.to_owned(), known);
        known
    }

    /// A session for one thread's blocks.
    pub(crate) fn session(&self) -> Session<'_> {
        Session {
            highlighter: self,
            lines: lines::LineMemo::default(),
            classes: Classes {
                matchers: [
                    syntect::highlighting::Highlighter::new(&self.themes[0]),
                    syntect::highlighting::Highlighter::new(&self.themes[1]),
                ],
                palettes: &self.palettes,
                of_stack: FxHashMap::default(),
                names: vec!["".into()],
            },
        }
    }
}

impl Session<'_> {
    /// The inner HTML of a `<code>` element for `code` in language `lang`,
    /// from the cache when an earlier build highlighted the same block.
    pub(crate) fn highlight(&mut self, code: &str, lang: &str) -> String {
        let cache = &self.highlighter.cache;
        let key = BlockCache::key(lang, code);
        let html: Arc<str> = match cache.found.get(&key) {
            Some(html) => Arc::clone(html),
            None => Arc::from(self.highlight_now(code, lang)),
        };
        cache.used.lock().unwrap_or_else(PoisonError::into_inner).0.insert(key, Arc::clone(&html));
        html.to_string()
    }

    fn highlight_now(&mut self, code: &str, lang: &str) -> String {
        let syntaxes = self.highlighter.syntaxes();
        let syntax = match lang {
            "" => None,
            _ if crate::codeblock::PLAIN.contains(&lang) => None,
            _ => syntaxes.find_syntax_by_token(lang),
        };
        let Some(syntax) = syntax else {
            return escape_html(code);
        };
        let mut parser = ParseState::new(syntax);
        let mut stack = ScopeStack::new();
        let mut html = Spans { html: String::with_capacity(code.len() * 2), open: 0 };
        for line in LinesWithEndings::from(code) {
            // A syntax definition that fails on some input must not lose
            // the reader's code: fall back to plain text.
            let Ok(ops) = self.lines.parse(&mut parser, line, syntaxes) else { return escape_html(code) };
            let mut start = 0;
            for (at, op) in ops {
                let at = *at;
                if at > start {
                    let class = self.classes.of(&stack);
                    html.push(&self.classes.names, class, &line[start..at]);
                    start = at;
                }
                if stack.apply(op).is_err() {
                    return escape_html(code);
                }
            }
            let class = self.classes.of(&stack);
            html.push(&self.classes.names, class, &line[start..]);
        }
        html.finish()
    }
}

impl Classes<'_> {
    /// The index in `names` of the classes of a scope stack.
    fn of(&mut self, stack: &ScopeStack) -> usize {
        let scopes = stack.as_slice();
        if let Some(&class) = self.of_stack.get(scopes) {
            return class;
        }
        let mut name = String::new();
        for ((matcher, palette), prefix) in self.matchers.iter().zip(self.palettes).zip(PREFIXES) {
            palette.classes(matcher.style_for_stack(scopes), prefix, &mut name);
        }
        let name = name.trim_start();
        let class = match self.names.iter().position(|known| **known == *name) {
            Some(known) => known,
            None => {
                self.names.push(name.into());
                self.names.len() - 1
            }
        };
        self.of_stack.insert(scopes.to_vec(), class);
        class
    }
}

/// HTML of flat spans, one per run of text with the same classes.
struct Spans {
    html: String,
    /// The classes of the open span, as an index into the session's
    /// names; 0 when no span is open.
    open: usize,
}

impl Spans {
    fn push(&mut self, names: &[Box<str>], class: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.open != class {
            if self.open != 0 {
                self.html.push_str("</span>");
            }
            if class != 0 {
                let _ = write!(self.html, "<span class=\"{}\">", names[class]);
            }
            self.open = class;
        }
        push_escaped(&mut self.html, text);
    }

    fn finish(mut self) -> String {
        if self.open != 0 {
            self.html.push_str("</span>");
        }
        self.html
    }
}

impl Palette {
    fn of(theme: &Theme) -> Self {
        let default = Style {
            foreground: theme.settings.foreground.unwrap_or(Color::BLACK),
            background: theme.settings.background.unwrap_or(Color::WHITE),
            font_style: FontStyle::empty(),
        };
        let mut foregrounds = vec![default.foreground];
        let mut backgrounds = Vec::new();
        for rule in &theme.scopes {
            if let Some(color) = rule.style.foreground.filter(|c| !foregrounds.contains(c)) {
                foregrounds.push(color);
            }
            if let Some(color) = rule.style.background.filter(|c| *c != default.background && !backgrounds.contains(c))
            {
                backgrounds.push(color);
            }
        }
        Self { default, foregrounds, backgrounds }
    }

    /// Appends the classes of `style` that differ from plain text.
    fn classes(&self, style: Style, prefix: char, out: &mut String) {
        if style.foreground != self.default.foreground {
            if let Some(i) = self.foregrounds.iter().position(|c| *c == style.foreground) {
                let _ = write!(out, " {prefix}{i}");
            }
        }
        if style.background != self.default.background {
            if let Some(i) = self.backgrounds.iter().position(|c| *c == style.background) {
                let _ = write!(out, " {prefix}g{i}");
            }
        }
        for (flag, letter) in FONT_STYLES {
            if style.font_style.contains(flag) {
                let _ = write!(out, " {prefix}{letter}");
            }
        }
    }

    /// One rule per class, each selector under `scope`. Colours are
    /// made legible on the page's code background `on` (WCAG AA, 4.5:1).
    fn rules(&self, prefix: char, scope: &str, on: Color) -> String {
        let mut css = String::new();
        for (i, color) in self.foregrounds.iter().enumerate().skip(1) {
            let _ = writeln!(css, "{scope} .{prefix}{i} {{ color: {}; }}", hex(legible(*color, on)));
        }
        for (i, color) in self.backgrounds.iter().enumerate() {
            let _ = writeln!(css, "{scope} .{prefix}g{i} {{ background-color: {}; }}", hex(*color));
        }
        for (_, letter) in FONT_STYLES {
            let declaration = match letter {
                'b' => "font-weight: bold",
                'i' => "font-style: italic",
                _ => "text-decoration: underline",
            };
            let _ = writeln!(css, "{scope} .{prefix}{letter} {{ {declaration}; }}");
        }
        css
    }
}

impl BlockCache {
    /// The cache key of a block: its language and code, with what decides
    /// how it is highlighted (primer's version and its themes).
    fn key(lang: &str, code: &str) -> u64 {
        let mut hasher = blake3::Hasher::new();
        for part in [env!("CARGO_PKG_VERSION"), LIGHT_THEME, DARK_THEME, lang, code] {
            hasher.update(part.as_bytes()).update(b"\0");
        }
        let bytes = hasher.finalize();
        u64::from_le_bytes(bytes.as_bytes()[..8].try_into().unwrap_or_default())
    }

    /// `[header][count][key, length, html]…[count][length, language,
    /// known]…`, numbers little-endian. The header names the primer that
    /// wrote the file: which languages its syntaxes know is another
    /// version's business, so a cache kept by CI across upgrades is
    /// dropped whole rather than half trusted.
    fn write(blocks: &Blocks, known: &Languages) -> Vec<u8> {
        let mut out = Self::header().into_bytes();
        out.extend((blocks.len() as u64).to_le_bytes());
        for (key, html) in blocks {
            out.extend(key.to_le_bytes());
            out.extend((html.len() as u64).to_le_bytes());
            out.extend(html.as_bytes());
        }
        out.extend((known.len() as u64).to_le_bytes());
        for (lang, &yes) in known {
            out.extend((lang.len() as u64).to_le_bytes());
            out.extend(lang.as_bytes());
            out.push(u8::from(yes));
        }
        out
    }

    fn header() -> String {
        format!("primer-highlight {} {LIGHT_THEME} {DARK_THEME}\n", env!("CARGO_PKG_VERSION"))
    }

    fn read(bytes: &[u8]) -> Option<Self> {
        let bytes = bytes.strip_prefix(Self::header().as_bytes())?;
        let mut reader = Reader { bytes, at: 0 };
        let mut cache = Self::default();
        for _ in 0..reader.number()? {
            let key = reader.number()?;
            let html = reader.text()?;
            // The cache may come from anywhere (a pull request can commit
            // it): an entry that is not the flat spans primer writes would
            // put its own markup into pages, so the whole file is dropped.
            if !is_spans(html) {
                return None;
            }
            cache.found.insert(key, Arc::from(html));
        }
        for _ in 0..reader.number()? {
            let lang = reader.text()?.to_owned();
            let known = reader.byte()? == 1;
            cache.known.insert(lang, known);
        }
        Some(cache)
    }
}

/// Whether `html` is what [`Spans`] writes: escaped text in flat
/// `<span class="…">` elements whose classes are plain words.
fn is_spans(html: &str) -> bool {
    let mut rest = html;
    while let Some(at) = rest.find(['<', '>', '"', '\'', '&']) {
        let tail = &rest[at..];
        let skip = if let Some(after) = tail.strip_prefix("<span class=\"") {
            let Some(end) = after.find("\">") else { return false };
            if !after[..end].bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-' || b == b'_') {
                return false;
            }
            "<span class=\"".len() + end + 2
        } else if let Some(entity) =
            ["</span>", "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().find(|e| tail.starts_with(**e))
        {
            entity.len()
        } else {
            return false;
        };
        rest = &tail[skip..];
    }
    true
}

/// Reads the cache file's numbers and texts in order.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, length: usize) -> Option<&'a [u8]> {
        let taken = self.bytes.get(self.at..self.at.checked_add(length)?)?;
        self.at += length;
        Some(taken)
    }

    fn number(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn text(&mut self) -> Option<&'a str> {
        let length = usize::try_from(self.number()?).ok()?;
        std::str::from_utf8(self.take(length)?).ok()
    }
}

const FONT_STYLES: [(FontStyle, char); 3] =
    [(FontStyle::BOLD, 'b'), (FontStyle::ITALIC, 'i'), (FontStyle::UNDERLINE, 'u')];

fn hex(color: Color) -> String {
    let Color { r, g, b, a } = color;
    if a == 0xff { format!("#{r:02x}{g:02x}{b:02x}") } else { format!("#{r:02x}{g:02x}{b:02x}{a:02x}") }
}

/// Code backgrounds of the default stylesheet (`--code-bg`), light and
/// dark.
const CODE_BACKGROUNDS: [Color; 2] =
    [Color { r: 0xf6, g: 0xf8, b: 0xfa, a: 0xff }, Color { r: 0x1b, g: 0x22, b: 0x30, a: 0xff }];

/// Contrast that text must reach on its background; a little above
/// WCAG AA's 4.5:1, so rounding never lands below it.
const LEGIBLE: f64 = 4.6;

/// WCAG relative luminance.
fn luminance(color: Color) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)
}

fn contrast(a: Color, b: Color) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

/// `color`, moved towards black on a light background or towards white
/// on a dark one until it reads at [`LEGIBLE`] contrast.
fn legible(color: Color, on: Color) -> Color {
    let target: u8 = if luminance(on) > 0.5 { 0 } else { 255 };
    let mut out = color;
    for step in 1..=20u16 {
        if contrast(out, on) >= LEGIBLE {
            break;
        }
        let mix = |c: u8| {
            let moved = (u16::from(c) * (20 - step) + u16::from(target) * step) / 20;
            u8::try_from(moved).unwrap_or(target)
        };
        out = Color { r: mix(color.r), g: mix(color.g), b: mix(color.b), a: 0xff };
    }
    out
}

fn bundled_themes() -> [Theme; 2] {
    let mut set = ThemeSet::load_defaults();
    [LIGHT_THEME, DARK_THEME].map(|name| set.themes.remove(name).unwrap_or_default())
}

/// The highlighting stylesheets: one for the light scheme, and one for the
/// dark scheme that applies when the reader's system prefers dark (unless
/// the page is switched to light) or when the page is switched to dark.
/// In the dark scheme every span first drops what the light classes set.
pub(crate) fn stylesheets() -> (String, String) {
    let [light, dark] = bundled_themes().map(|theme| Palette::of(&theme));
    let light_css = light.rules(PREFIXES[0], ".hl", CODE_BACKGROUNDS[0]);
    let dark_css = |scope: &str| {
        let hl = format!("{scope} .hl");
        format!(
            "{hl} span {{ color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: inherit; }}\n{}",
            dark.rules(PREFIXES[1], &hl, CODE_BACKGROUNDS[1])
        )
    };
    let dark_css = format!(
        "{}\n@media (prefers-color-scheme: dark) {{\n{}}}\n",
        dark_css("html[data-theme=\"dark\"]"),
        dark_css("html:not([data-theme=\"light\"])"),
    );
    (light_css, dark_css)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_get_flat_spans_and_unknown_languages_are_escaped() {
        let highlighter = Highlighter::new();
        let mut session = highlighter.session();
        let html = session.highlight("def f():\n    return 1 < 2\n", "python");
        assert!(html.contains("<span class=\"l"), "{html}");
        assert!(is_spans(&html), "{html}");
        assert!(!html.contains("<span class=\"\""), "{html}");
        assert!(!html.contains("<span><span"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
        let text: String = html.split('<').map(|part| part.split_once('>').map_or(part, |(_, text)| text)).collect();
        assert_eq!(text, "def f():\n    return 1 &lt; 2\n");
        assert_eq!(session.highlight("<b>x</b>\n", "no-such-language"), "&lt;b&gt;x&lt;/b&gt;\n");
    }

    #[test]
    fn a_cache_holding_anything_but_flat_spans_is_dropped() {
        let html = "<span class=\"k\">def</span> f&lt;x&gt;";
        let blocks: Blocks = [(1, Arc::from(html))].into_iter().collect();
        let cache = BlockCache::read(&BlockCache::write(&blocks, &Languages::default())).expect("read back");
        assert_eq!(cache.found.get(&1).map(|h| &**h), Some(html));
        // Written by another primer (or with no header): dropped whole.
        let written = BlockCache::write(&blocks, &Languages::default());
        let other = String::from_utf8_lossy(&written).replacen(env!("CARGO_PKG_VERSION"), "0.0.0-other", 1);
        assert!(BlockCache::read(other.as_bytes()).is_none());
        assert!(BlockCache::read(&written[BlockCache::header().len()..]).is_none());
        for hostile in [
            "<img src=x onerror=alert(1)>",
            "<span class=\"k\" onclick=\"x\">a</span>",
            "<span class=\"a\"><script>",
            "a\" b",
            "&#106;",
        ] {
            let blocks: Blocks = [(1, Arc::from(hostile))].into_iter().collect();
            assert!(BlockCache::read(&BlockCache::write(&blocks, &Languages::default())).is_none(), "{hostile}");
        }
    }

    #[test]
    fn every_class_used_has_a_rule() {
        let highlighter = Highlighter::new();
        let mut session = highlighter.session();
        let html = session.highlight("import os\n# comment\nclass A(B):\n    x: int = 0x1f  # note\n", "python");
        let (light, dark) = stylesheets();
        let classes: Vec<&str> = html
            .split("class=\"")
            .skip(1)
            .flat_map(|rest| rest.split_once('"').map(|(class, _)| class).unwrap_or_default().split(' '))
            .collect();
        assert!(classes.iter().any(|c| c.starts_with('d')), "{html}");
        for class in classes {
            let css = if class.starts_with('l') { &light } else { &dark };
            assert!(css.contains(&format!(" .{class} {{")), "no rule for {class}");
        }
    }

    #[test]
    fn dark_stylesheet_is_scoped_and_resets_the_light_classes() {
        let (light, dark) = stylesheets();
        assert!(light.lines().all(|rule| rule.starts_with(".hl .l")), "{light}");
        assert!(dark.contains("html[data-theme=\"dark\"] .hl span { color: inherit;"));
        assert!(dark.contains("html[data-theme=\"dark\"] .hl .d"));
        assert!(dark.contains("@media (prefers-color-scheme: dark)"));
    }
}

#[cfg(test)]
mod contrast_tests {
    use super::*;

    #[test]
    fn every_syntax_colour_reads_at_aa_contrast_on_its_code_background() {
        let (light, dark) = stylesheets();
        for (css, on) in [(light, CODE_BACKGROUNDS[0]), (dark, CODE_BACKGROUNDS[1])] {
            let colours: Vec<&str> = css.split("{ color: #").skip(1).map(|rest| &rest[..6]).collect();
            assert!(colours.len() > 5, "{css}");
            for hex in colours {
                let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex");
                let colour = Color { r: channel(0), g: channel(2), b: channel(4), a: 0xff };
                assert!(contrast(colour, on) >= 4.5, "#{hex} reads at {:.2}:1", contrast(colour, on));
            }
        }
    }
}

#[cfg(test)]
mod cache_tests {
    use super::*;

    #[test]
    fn a_second_highlighter_takes_blocks_from_the_cache_of_the_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let first = Highlighter::with_cache(dir.path());
        let html = first.session().highlight("def f():\n    return 1\n", "python");
        assert!(first.knows("rust") && !first.knows("no-such-language"));
        first.save_cache(dir.path());
        let second = Highlighter::with_cache(dir.path());
        assert_eq!(second.cache.found.len(), 1);
        assert_eq!(second.cache.known.get("rust"), Some(&true));
        assert_eq!(second.session().highlight("def f():\n    return 1\n", "python"), html);
        // Served from the cache: the syntaxes were never loaded.
        assert!(second.knows("rust") && !second.knows("no-such-language"));
        assert!(second.syntaxes.get().is_none());
        // A corrupt cache is no cache.
        std::fs::write(crate::paths::SitePaths::new(dir.path()).highlight_cache(), b"\x05\x00").expect("write");
        assert!(Highlighter::with_cache(dir.path()).cache.found.is_empty());
    }
}
