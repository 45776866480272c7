//! What a built page may carry: URLs that cannot run code, and raw HTML
//! that is sanitized, passed through or escaped as `[build] raw_html`
//! says. Used by the config stage (book.toml links) and the Markdown
//! stage (links, images and raw HTML).

pub(crate) mod mathml;
pub(crate) mod svg;

use std::collections::HashSet;

/// How raw HTML in Markdown reaches the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum RawHtml {
    /// Cleaned by ammonia: scripts, event handlers and dangerous URLs go.
    #[default]
    Sanitize,
    /// Kept as written, for sites whose every author is trusted.
    Allow,
    /// Shown as text.
    Escape,
}

impl RawHtml {
    pub(crate) const NAMES: [&'static str; 3] = ["sanitize", "allow", "escape"];

    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "sanitize" => Some(Self::Sanitize),
            "allow" => Some(Self::Allow),
            "escape" => Some(Self::Escape),
            _ => None,
        }
    }
}

/// Image types a `data:` URL may hold in an image.
const DATA_IMAGES: [&str; 6] = ["png", "jpeg", "gif", "webp", "avif", "bmp"];

/// The scheme of `url` when following it would run code (`javascript:`,
/// `vbscript:`, or `data:` other than an image in an image), read the way
/// browsers read it: case, whitespace and control characters ignored.
pub(crate) fn dangerous_scheme(url: &str, image: bool) -> Option<&'static str> {
    let squeezed: String =
        url.chars().filter(|c| !c.is_ascii_whitespace() && !c.is_control()).flat_map(char::to_lowercase).collect();
    if squeezed.starts_with("javascript:") {
        return Some("javascript:");
    }
    if squeezed.starts_with("vbscript:") {
        return Some("vbscript:");
    }
    let data = squeezed.strip_prefix("data:")?;
    let safe_image = image && data.strip_prefix("image/").is_some_and(|t| DATA_IMAGES.iter().any(|k| t.starts_with(k)));
    if safe_image { None } else { Some("data:") }
}

/// Attributes whose value is followed as a URL.
pub(crate) const URL_ATTRIBUTES: [&str; 13] = [
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "cite",
    "background",
    "data",
    "srcset",
    "ping",
    "longdesc",
    "lowsrc",
];

/// A URL in raw HTML that would run code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DangerousAttribute {
    /// Byte offset of the value in the HTML.
    pub(crate) offset: usize,
    pub(crate) attribute: String,
    pub(crate) value: String,
    pub(crate) scheme: &'static str,
}

/// Every URL attribute of the tags in `html` whose value would run code.
pub(crate) fn dangerous_attributes(html: &str) -> Vec<DangerousAttribute> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(open) = html[at..].find('<').map(|i| at + i) {
        at = open + 1;
        if html[at..].starts_with("!--") {
            at = html[at..].find("-->").map_or(html.len(), |i| at + i + 3);
            continue;
        }
        if !bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let tag_end =
            html[at..].find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').map_or(html.len(), |i| at + i);
        let tag = html[at..tag_end].to_ascii_lowercase();
        at = tag_end;
        while let Some((attribute, value, offset, next)) = next_attribute(html, at) {
            at = next;
            let attribute = attribute.to_ascii_lowercase();
            if !URL_ATTRIBUTES.contains(&attribute.as_str()) {
                continue;
            }
            let decoded = decode_entities(value);
            let image = tag == "img" || (tag == "source" && attribute == "srcset");
            if let Some(scheme) = dangerous_scheme(&decoded, image) {
                found.push(DangerousAttribute { offset, attribute, value: value.to_owned(), scheme });
            }
        }
    }
    found
}

/// The attribute at or after `at` inside a tag: its name, raw value, the
/// value's offset, and where the next one may start. `None` at the `>`.
fn next_attribute(html: &str, at: usize) -> Option<(&str, &str, usize, usize)> {
    let start = at + html[at..].find(|c: char| !c.is_ascii_whitespace() && c != '/')?;
    if html[start..].starts_with('>') {
        return None;
    }
    let name_end = html[start..]
        .find(|c: char| c.is_ascii_whitespace() || matches!(c, '=' | '>' | '/'))
        .map_or(html.len(), |i| start + i);
    let name = &html[start..name_end];
    let after_name = name_end + html[name_end..].find(|c: char| !c.is_ascii_whitespace()).unwrap_or(0);
    if !html[after_name..].starts_with('=') {
        return Some((name, "", name_end, name_end.max(start + 1)));
    }
    let value_start = after_name + 1 + html[after_name + 1..].find(|c: char| !c.is_ascii_whitespace()).unwrap_or(0);
    let (value, value_offset, next) = match html[value_start..].chars().next() {
        Some(quote @ ('"' | '\'')) => {
            let end = html[value_start + 1..].find(quote).map_or(html.len(), |i| value_start + 1 + i);
            (&html[value_start + 1..end], value_start + 1, (end + 1).min(html.len()))
        }
        _ => {
            let end = html[value_start..]
                .find(|c: char| c.is_ascii_whitespace() || c == '>')
                .map_or(html.len(), |i| value_start + i);
            (&html[value_start..end], value_start, end)
        }
    };
    Some((name, value, value_offset, next.max(start + 1)))
}

/// Decodes the character references browsers decode in attribute values
/// and that could hide a scheme: numeric ones (with or without the `;`,
/// as browsers read them) and a few named ones.
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        if let Some((c, len)) = numeric_reference(rest) {
            out.push(c);
            rest = &rest[len..];
            continue;
        }
        let end = rest.find(';').filter(|&i| i < 12);
        let decoded = end.and_then(|end| {
            let c = match &rest[1..end] {
                "colon" => ':',
                "Tab" => '\t',
                "NewLine" => '\n',
                "amp" => '&',
                _ => return None,
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character of a numeric reference at the start of `text` (`&#106;`,
/// `&#x6A`, `&#106`, `&#0000106;` — the `;` is optional, leading zeros
/// count for nothing) and the reference's length. A number past Unicode
/// is U+FFFD, as browsers read it.
fn numeric_reference(text: &str) -> Option<(char, usize)> {
    let body = text.strip_prefix("&#")?;
    let (digits, radix, skip) = match body.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16, 3),
        None => (body, 10, 2),
    };
    let len = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    let significant = digits[..len].trim_start_matches('0');
    let value = if significant.is_empty() { Some(0) } else { u32::from_str_radix(significant, radix).ok() };
    let c = value.and_then(char::from_u32).unwrap_or('\u{FFFD}');
    let semicolon = usize::from(digits[len..].starts_with(';'));
    Some((c, skip + len + semicolon))
}

/// How deep elements may nest in a page's raw HTML. The HTML parser's
/// cost grows with nesting times size; no real page comes near this.
pub(crate) const MAX_RAW_NESTING: usize = 512;

/// Elements that never hold others, or close by themselves when a sibling
/// opens: they add no depth.
const FLAT_ELEMENTS: [&str; 28] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param", "p",
    "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "colgroup", "caption",
];

/// Where the raw HTML `parts` (one document, in order) first nests
/// elements deeper than [`MAX_RAW_NESTING`]: the part and the offset in
/// it. Counts open and close tags, linear in the size of the input.
pub(crate) fn nesting_beyond(parts: &[&str]) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    for (index, part) in parts.iter().enumerate() {
        let bytes = part.as_bytes();
        let mut at = 0;
        while let Some(open) = part[at..].find('<').map(|i| at + i) {
            at = open + 1;
            let closing = bytes.get(at) == Some(&b'/');
            let name_start = at + usize::from(closing);
            let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
            if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
                continue;
            }
            let name = part[name_start..name_start + name_len].to_ascii_lowercase();
            if FLAT_ELEMENTS.contains(&name.as_str()) {
                continue;
            }
            let tag_end = part[name_start..].find('>').map_or(part.len(), |i| name_start + i);
            if closing {
                depth = depth.saturating_sub(1);
            } else if !part[..tag_end].ends_with('/') {
                depth += 1;
                if depth > MAX_RAW_NESTING {
                    return Some((index, open));
                }
            }
        }
    }
    None
}

/// Raw HTML cleaning with ammonia: ordinary HTML stays (`details`, `kbd`,
/// `sup`, images, video, and iframes from the allowed hosts), scripts,
/// styles, event handlers and dangerous URLs go.
#[derive(Debug)]
pub(crate) struct Sanitizer {
    builder: ammonia::Builder<'static>,
}

impl Sanitizer {
    /// A sanitizer that keeps iframes whose `src` is on one of `hosts`.
    pub(crate) fn new(iframe_hosts: &[String]) -> Self {
        let mut builder = ammonia::Builder::default();
        builder
            .add_tags(["video", "audio", "source", "track", "picture", "iframe", "section", "input", "label"])
            // Stands for generated HTML while a page's raw HTML is cleaned.
            .add_tags(["primer-slot"])
            .add_generic_attributes(["class", "id", "role", "aria-label", "aria-hidden", "hidden", "dir"])
            .add_generic_attribute_prefixes(["data-"])
            .add_tag_attributes("img", ["loading", "decoding"])
            .add_tag_attributes("details", ["open"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes(
                "video",
                ["src", "controls", "width", "height", "poster", "autoplay", "muted", "loop", "playsinline", "preload"],
            )
            .add_tag_attributes("audio", ["src", "controls", "autoplay", "muted", "loop", "preload"])
            .add_tag_attributes("source", ["src", "type", "srcset", "media", "sizes"])
            .add_tag_attributes("track", ["src", "kind", "srclang", "label", "default"])
            .add_tag_attributes("iframe", ["src", "width", "height", "title", "allow", "allowfullscreen", "loading"])
            .link_rel(None);
        let hosts: HashSet<String> = iframe_hosts.iter().map(|h| h.to_ascii_lowercase()).collect();
        builder.attribute_filter(move |element, attribute, value| {
            if element == "iframe" && attribute == "src" && !iframe_host_allowed(&hosts, value) {
                return None;
            }
            Some(value.into())
        });
        Self { builder }
    }

    pub(crate) fn clean(&self, html: &str) -> String {
        self.builder.clean(html).to_string()
    }
}

/// Whether an iframe's `src` is an https URL on one of `hosts`.
fn iframe_host_allowed(hosts: &HashSet<String>, src: &str) -> bool {
    let Some(rest) = src.trim().strip_prefix("https://") else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase();
    hosts.contains(&host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_urls_are_dangerous_however_they_are_written() {
        for url in ["javascript:alert(1)", " JaVaScRiPt:x", "java\tscript:x", "vbscript:msgbox", "data:text/html,x"] {
            assert!(dangerous_scheme(url, false).is_some(), "{url}");
        }
        assert!(dangerous_scheme("data:image/png;base64,AAAA", true).is_none());
        assert!(dangerous_scheme("data:image/svg+xml,<svg onload=x>", true).is_some());
        assert!(dangerous_scheme("data:image/png;base64,AAAA", false).is_some());
        for url in ["https://e.org/", "../a.md", "#top", "mailto:a@b.c", "javascript.md"] {
            assert!(dangerous_scheme(url, false).is_none(), "{url}");
        }
    }

    #[test]
    fn dangerous_attributes_are_found_with_their_offsets() {
        let html = r#"<a title="x" href="javascript:alert(1)">x</a> <img src=&#106;avascript:x> <!-- <a href="javascript:no"> --> <a href='/ok'> <a href="&#106avascript:x"> <a href="&#x6A&#x61vascript:x"> <a href="&#00000000106;avascript:x">"#;
        let found = dangerous_attributes(html);
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found[0].attribute, "href");
        assert_eq!(&html[found[0].offset..found[0].offset + 11], "javascript:");
        assert_eq!(found[1].value, "&#106;avascript:x");
    }

    #[test]
    fn nesting_is_counted_across_parts_without_void_and_self_closing_elements() {
        let deep = "<div>".repeat(MAX_RAW_NESTING);
        assert_eq!(nesting_beyond(&[&deep, "<br><img src=x><p>a<li>b<x-y/>"]), None);
        assert_eq!(nesting_beyond(&[&deep, "</div><span>"]), None);
        assert_eq!(nesting_beyond(&[&deep, "a <SPAN>"]), Some((1, 2)));
    }

    #[test]
    fn the_sanitizer_keeps_ordinary_html_and_drops_what_runs() {
        let sanitizer = Sanitizer::new(&["www.youtube-nocookie.com".to_owned()]);
        let html = sanitizer.clean(
            "<details open><summary>S</summary><kbd>Ctrl</kbd><sup>1</sup></details>\
             <img src=\"a.png\" onerror=\"alert(1)\"><script>alert(2)</script>\
             <a href=\"javascript:alert(3)\">x</a>\
             <iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe><iframe src=\"https://evil.example/\"></iframe>",
        );
        assert!(
            html.contains("<details open=\"\"><summary>S</summary><kbd>Ctrl</kbd><sup>1</sup></details>"),
            "{html}"
        );
        assert!(html.contains("<img src=\"a.png\">"), "{html}");
        assert!(!html.contains("alert"), "{html}");
        assert!(html.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/x\"></iframe>"), "{html}");
        assert!(!html.contains("evil"), "{html}");
    }
}
